package http_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/api"
	"github.com/runproof/runproof/internal/apiclient"
)

func TestHealthz(t *testing.T) {
	f := setup(t)
	res := ok(t, f.as("").healthz())
	require.Equal(t, apiclient.Ok, res.JSON200.Status)
	require.JSONEq(t, `{"status":"ok"}`, string(res.Body))
	require.Equal(t, "no-store", res.HTTPResponse.Header.Get("Cache-Control"))
}

func TestReadyz(t *testing.T) {
	f := setup(t)
	ok(t, f.as("").readyz())

	f.ready = errors.New("database down: secret detail")
	res := status(t, http.StatusServiceUnavailable, f.as("").readyz())
	require.Equal(t, "application/problem+json", res.ContentType())
	require.Equal(t, apiclient.ProblemCodeUnavailable, res.ApplicationproblemJSON503.Code)
	require.NotContains(t, string(res.Body), "secret detail", "internal detail is logged, never sent")
}

func TestOpenAPIServed(t *testing.T) {
	f := setup(t)
	res := ok(t, f.as("").openapi())
	require.Equal(t, "application/yaml", res.ContentType())
	require.Equal(t, api.OpenAPI, res.Body)
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{})
	ok(t, f.as("alice").getRun(ws, run, apiclient.GetRunParams{}))

	body := f.as("").metrics()
	require.Contains(t, body, `runproof_http_request_duration_seconds_count{method="GET",route="/workspaces/{ws}/operations/{run}",status="200"} 1`)
	require.Contains(t, body, "go_goroutines")
}

func TestUnknownPathIsProblem404(t *testing.T) {
	f := setup(t)
	res := f.get("/nope", "")
	require.Equal(t, http.StatusNotFound, res.Code)
	require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
}

func TestUnsupportedMethodIs405(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{})
	cases := []struct{ method, path, allow string }{
		{http.MethodPost, "/healthz", "GET"},
		{http.MethodDelete, "/metrics", "GET"},
		{http.MethodPut, "/openapi.yaml", "GET"},
		{http.MethodPost, "/workspaces/1/operations", "GET"},
		{http.MethodDelete, runPath(ws, run), "GET"},
		{http.MethodGet, runPath(ws, run) + "/reconcile", "POST"},
		{http.MethodPatch, "/workspaces/1/reconciliation/families", "GET"},
	}
	for _, c := range cases {
		res := f.do(request{Method: c.method, Path: c.path, Token: f.token("alice")})
		require.Equal(t, http.StatusMethodNotAllowed, res.Code, c.method+" "+c.path)
		require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
		require.Equal(t, "method_not_allowed", res.json(t)["code"])
		require.Equal(t, c.allow, res.Header.Get("Allow"))
		require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	}
}

func TestRequestIDIsEchoedOrMade(t *testing.T) {
	f := setup(t)
	res := ok(t, f.as("").healthz(withHeader("X-Request-Id", "abc-123")))
	require.Equal(t, "abc-123", res.HTTPResponse.Header.Get("X-Request-Id"))

	made := ok(t, f.as("").healthz(withHeader("X-Request-Id", "bad id "+strings.Repeat("x", 80))))
	require.NotEmpty(t, made.HTTPResponse.Header.Get("X-Request-Id"))
	require.NotContains(t, made.HTTPResponse.Header.Get("X-Request-Id"), "bad")
}
