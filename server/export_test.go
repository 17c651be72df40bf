package server

// ConsoleMessages exposes the console's texts to the external tests.
func ConsoleMessages(lang string) map[string]string { return messages[lang] }
