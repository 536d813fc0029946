package http_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"
)

// Every route the router serves is in api/openapi.yaml with its method, and
// the document lists nothing the router does not serve (HEAD is described
// wherever GET is served). Every operation documents the answers any route
// can give: 405 with Allow, 503 with Retry-After.
func TestEveryRouteIsDocumented(t *testing.T) {
	f := setup(t)
	d := openAPI(t)
	served := map[string]bool{}
	err := chi.Walk(f.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		served[method+" "+route] = true
		item := d.Paths.Find(route)
		require.NotNil(t, item, "route %s missing from api/openapi.yaml", route)
		require.NotNil(t, item.GetOperation(method), "%s %s missing from api/openapi.yaml", method, route)
		return nil
	})
	require.NoError(t, err)
	want := 0 // operations: one per served route, two for GET (with its HEAD)
	for route := range served {
		switch {
		case strings.HasPrefix(route, http.MethodGet+" "):
			want += 2
		case !strings.HasPrefix(route, http.MethodHead+" "):
			want++
		}
	}
	require.Equal(t, 25, want, "12 GET routes and 1 POST")
	declared := map[string]bool{}
	for _, tag := range d.Tags {
		declared[tag.Name] = true
	}
	operations := 0
	for path, item := range d.Paths.Map() {
		for method, op := range item.Operations() {
			operations++
			if method == http.MethodHead {
				require.True(t, served[http.MethodGet+" "+path], "HEAD %s is documented but GET is not served", path)
			} else {
				require.True(t, served[method+" "+path], "%s %s is documented but not served", method, path)
			}
			require.NotEmpty(t, op.OperationID, "%s %s has an operationId for client generators", method, path)
			require.NotEmpty(t, op.Description, "%s %s has a description", method, path)
			require.NotEmpty(t, op.Tags, "%s %s has a tag", method, path)
			for _, tag := range op.Tags {
				require.True(t, declared[tag], "%s %s: tag %s is declared", method, path, tag)
			}
			require.NotNil(t, op.Security, "%s %s says whether it needs a token", method, path)
			if strings.HasPrefix(path, "/workspaces/") {
				require.Equal(t, "BearerAuth", firstKey((*op.Security)[0]), "%s %s requires the bearer token", method, path)
				require.NotNil(t, op.Responses.Status(http.StatusUnauthorized), "%s %s documents 401", method, path)
				require.NotNil(t, op.Responses.Status(http.StatusUnauthorized).Value.Headers["WWW-Authenticate"])
				if method != http.MethodHead {
					require.Equal(t, "application/problem+json", firstKey(op.Responses.Status(http.StatusNotFound).Value.Content))
				}
			} else {
				require.Empty(t, *op.Security, "%s %s is public: security: []", method, path)
			}
			notAllowed := op.Responses.Status(http.StatusMethodNotAllowed)
			require.NotNil(t, notAllowed, "%s %s documents 405", method, path)
			require.True(t, notAllowed.Value.Headers["Allow"].Value.Required, "%s %s: 405 carries Allow", method, path)
			unavailable := op.Responses.Status(http.StatusServiceUnavailable)
			require.NotNil(t, unavailable, "%s %s documents 503", method, path)
			require.NotNil(t, unavailable.Value.Headers["Retry-After"], "%s %s: 503 may carry Retry-After", method, path)
			if method == http.MethodHead {
				for code, resp := range op.Responses.Map() {
					require.Empty(t, resp.Value.Content, "HEAD %s %s has no body", path, code)
				}
			}
		}
		if item.Get != nil {
			require.NotNil(t, item.Head, "HEAD %s is described beside GET", path)
		}
	}
	require.Equal(t, want, operations)
	require.Equal(t, "http", d.Components.SecuritySchemes["BearerAuth"].Value.Type)
	require.Equal(t, "bearer", d.Components.SecuritySchemes["BearerAuth"].Value.Scheme)
	require.NotEmpty(t, d.Servers)
	require.NotEmpty(t, d.Info.License.URL)
}

func firstKey[M ~map[string]V, V any](m M) string {
	for k := range m {
		return k
	}
	return ""
}
