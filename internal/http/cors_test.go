package http_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	rphttp "github.com/runproof/runproof/internal/http"
)

const frontend = "https://admin.example.com"

func setupCORS(t *testing.T) *fixture {
	t.Helper()
	return setupWith(t, func(_ *fixture, d *rphttp.Deps) { d.CORSAllowedOrigins = []string{frontend, "http://127.0.0.1:5173"} })
}

// corsHeaders are the response's Access-Control-* headers.
func corsHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			out[k] = v
		}
	}
	return out
}

func preflight(origin, method, headers string) map[string]string {
	return map[string]string{"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}
}

func TestCORSPreflight(t *testing.T) {
	f := setupCORS(t)
	ws := f.workspace("w")
	run := f.run(ws, runSpec{})

	for _, req := range []request{
		{Method: http.MethodOptions, Path: hubPath(ws, ""), Header: preflight(frontend, "GET", "authorization")},
		{Method: http.MethodOptions, Path: reconcilePath(ws, run), Header: preflight(frontend, "POST", "authorization,content-type")},
		{Method: http.MethodOptions, Path: "/healthz", Header: preflight("http://127.0.0.1:5173", "GET", "")},
	} {
		res := f.do(req)
		require.Equal(t, http.StatusNoContent, res.Code, "%s %s", req.Method, req.Path)
		require.Empty(t, res.Body)
		require.Equal(t, req.Header["Origin"], res.Header.Get("Access-Control-Allow-Origin"))
		require.Equal(t, "GET, HEAD, POST", res.Header.Get("Access-Control-Allow-Methods"))
		require.Equal(t, "600", res.Header.Get("Access-Control-Max-Age"))
		require.Empty(t, res.Header.Get("Access-Control-Allow-Credentials"), "bearer tokens, no cookies")
		for h := range strings.SplitSeq(req.Header["Access-Control-Request-Headers"], ",") {
			if h != "" {
				require.Contains(t, strings.ToLower(res.Header.Get("Access-Control-Allow-Headers")), h)
			}
		}
	}

	// Other origins, methods and headers get no CORS header at all, and the
	// browser then refuses the actual request.
	for name, h := range map[string]map[string]string{
		"other origin":    preflight("https://evil.example", "GET", "authorization"),
		"other scheme":    preflight("http://admin.example.com", "GET", "authorization"),
		"other port":      preflight("https://admin.example.com:8443", "GET", "authorization"),
		"localhost alias": preflight("http://localhost:5173", "GET", "authorization"),
		"suffix":          preflight(frontend+".evil.example", "GET", "authorization"),
		"null origin":     preflight("null", "GET", "authorization"),
		"DELETE":          preflight(frontend, "DELETE", "authorization"),
		"cookie header":   preflight(frontend, "GET", "authorization,cookie"),
	} {
		res := f.do(request{Method: http.MethodOptions, Path: hubPath(ws, ""), Header: h})
		require.Empty(t, corsHeaders(res.Header), name)
	}
}

func TestCORSActualRequests(t *testing.T) {
	f := setupCORS(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")

	res := f.do(request{Path: hubPath(ws, ""), Token: f.token("alice"), Header: map[string]string{"Origin": frontend}})
	require.Equal(t, http.StatusOK, res.Code)
	require.Equal(t, frontend, res.Header.Get("Access-Control-Allow-Origin"))
	exposed := res.Header.Get("Access-Control-Expose-Headers")
	require.Contains(t, exposed, "Retry-After")
	require.Contains(t, exposed, "X-Request-Id")
	require.Contains(t, res.Header.Values("Vary"), "Origin", "caches keep one answer per origin")

	// Errors carry the headers too, so the page can read a 401 and sign in again.
	res = f.do(request{Path: hubPath(ws, ""), Header: map[string]string{"Origin": frontend}})
	require.Equal(t, http.StatusUnauthorized, res.Code)
	require.Equal(t, frontend, res.Header.Get("Access-Control-Allow-Origin"))

	// Another origin is answered as before, without CORS headers: its browser
	// keeps the response from the page.
	res = f.do(request{Path: hubPath(ws, ""), Token: f.token("alice"), Header: map[string]string{"Origin": "https://evil.example"}})
	require.Equal(t, http.StatusOK, res.Code)
	require.Empty(t, corsHeaders(res.Header))
}

// Without CORS_ALLOWED_ORIGINS nothing changes: no CORS headers, and a
// preflight is an OPTIONS request like any other (405).
func TestCORSOffByDefault(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	res := f.do(request{Method: http.MethodOptions, Path: hubPath(ws, ""), Header: preflight(frontend, "GET", "authorization")})
	require.Equal(t, http.StatusMethodNotAllowed, res.Code)
	require.Empty(t, corsHeaders(res.Header))
	res = f.do(request{Path: hubPath(ws, ""), Token: f.token("alice"), Header: map[string]string{"Origin": frontend}})
	require.Equal(t, http.StatusOK, res.Code)
	require.Empty(t, corsHeaders(res.Header))
}
