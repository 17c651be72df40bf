package server

import (
	_ "embed"
	"net/http"
)

// openapiDoc is the OpenAPI 3.1 document of the routes, served at
// /v1/openapi.json. TestOpenAPIMatchesRoutes checks it against the routes
// New registers, both ways.
//
//go:embed openapi.json
var openapiDoc []byte

func (h *handler) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapiDoc)
}
