package server

// sessionCookie holds the console's token (HttpOnly, SameSite=Strict).
const sessionCookie = "c360_session"

func (h *handler) registerConsole() {}
