package http_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"
)

// Every route the router serves is in api/openapi.yaml with its method, and
// the document lists nothing the router does not serve.
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
	require.Len(t, served, 8)
	for path, item := range d.Paths.Map() {
		for method, op := range item.Operations() {
			require.True(t, served[method+" "+path], "%s %s is documented but not served", method, path)
			require.NotEmpty(t, op.OperationID, "%s %s has an operationId for client generators", method, path)
			if strings.HasPrefix(path, "/workspaces/") {
				require.NotNil(t, op.Security, "%s %s requires the bearer token", method, path)
				require.NotNil(t, op.Responses.Status(http.StatusUnauthorized), "%s %s documents 401", method, path)
				require.Equal(t, "application/problem+json", firstContentType(op.Responses.Status(http.StatusNotFound).Value.Content))
			}
		}
	}
	require.Equal(t, "http", d.Components.SecuritySchemes["BearerAuth"].Value.Type)
	require.Equal(t, "bearer", d.Components.SecuritySchemes["BearerAuth"].Value.Scheme)
}

func firstContentType[M ~map[string]V, V any](m M) string {
	for k := range m {
		return k
	}
	return ""
}
