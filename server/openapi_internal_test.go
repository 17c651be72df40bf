package server

import (
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/c360/c360"
	"github.com/google/go-cmp/cmp"
)

// TestOpenAPIMatchesRoutes checks the served OpenAPI document against the
// routes New registers: every route is documented with its method and
// every documented operation is a route (the console's HTML pages under
// /console excepted, as the document says), and every $ref resolves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e, err := c360.Open(t.Context(), c360.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	h := New(e, Config{Logger: slog.New(slog.DiscardHandler)}).(*handler)
	var registered []string
	for _, rt := range h.routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if path == "/console" || strings.HasPrefix(path, "/console/") {
			continue
		}
		registered = append(registered, method+" "+path)
	}
	slices.Sort(registered)

	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(documented)
	if diff := cmp.Diff(registered, documented); diff != "" {
		t.Errorf("routes registered (-) and documented (+) differ:\n%s", diff)
	}

	// A route that streams Server-Sent Events documents the stream as a
	// 200 answer of type text/event-stream, and the Last-Event-ID header it
	// resumes from; no other route does.
	var ops struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
			Responses  map[string]struct {
				Content map[string]json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(openapiDoc, &ops); err != nil {
		t.Fatal(err)
	}
	for _, rt := range h.routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		op, ok := ops.Paths[path][strings.ToLower(method)]
		if !ok {
			continue
		}
		_, streams := op.Responses["200"].Content["text/event-stream"]
		resumes := slices.ContainsFunc(op.Parameters, func(p struct{ Name, In string }) bool {
			return p.Name == "Last-Event-ID" && p.In == "header"
		})
		if streams != rt.stream || resumes != rt.stream {
			t.Errorf("%s: streams %v, documents text/event-stream %v and Last-Event-ID %v", rt.pattern, rt.stream, streams, resumes)
		}
	}

	// Every reference resolves within the document.
	var root map[string]any
	json.Unmarshal(openapiDoc, &root)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				var node any = root
				for part := range strings.SplitSeq(strings.TrimPrefix(ref, "#/"), "/") {
					m, _ := node.(map[string]any)
					node = m[part]
				}
				if node == nil {
					t.Errorf("$ref %s does not resolve", ref)
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(root)
}
