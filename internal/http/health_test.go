package http_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/api"
	"github.com/runproof/runproof/internal/apiclient"
	rphttp "github.com/runproof/runproof/internal/http"
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

	f.ready = &rphttp.NotReadyError{Reason: "database migrations are pending", Err: errors.New("secret detail")}
	res = status(t, http.StatusServiceUnavailable, f.as("").readyz())
	require.Equal(t, "Not ready: database migrations are pending.", res.ApplicationproblemJSON503.Detail)
	require.NotContains(t, string(res.Body), "secret detail", "the reason is sent, the detail only logged")
}

// A readiness check gets a second: a database that does not answer by then
// makes the probe fail in time rather than hang it.
func TestReadyzWaitsASecondAtMost(t *testing.T) {
	f := setupWith(t, func(_ *fixture, d *rphttp.Deps) {
		d.Ready = func(ctx context.Context) error {
			<-ctx.Done() // a frozen database
			return ctx.Err()
		}
	})
	res, took := f.doWithin(request{Path: "/readyz"}, 2*time.Second)
	require.Equal(t, http.StatusServiceUnavailable, res.Code)
	require.Equal(t, "5", res.Header.Get("Retry-After"))
	require.Less(t, took, 2*time.Second)
}

// Once shutdown begins readiness fails at once, whatever the database says,
// so that load balancers stop sending traffic during the drain.
func TestReadyzFailsWhileStopping(t *testing.T) {
	stopping := make(chan struct{})
	f := setupWith(t, func(_ *fixture, d *rphttp.Deps) { d.Stopping = stopping })
	require.Equal(t, http.StatusOK, f.get("/readyz", "").Code)
	close(stopping)
	res := f.get("/readyz", "")
	require.Equal(t, http.StatusServiceUnavailable, res.Code)
	require.Equal(t, "unavailable", res.json(t)["code"])
	require.Equal(t, "Shutting down.", res.json(t)["detail"])
	require.Equal(t, http.StatusOK, f.get("/healthz", "").Code, "the process is alive and serving")
}

// Readiness is logged when it changes, not on every probe.
func TestReadyzLogsChangesOnly(t *testing.T) {
	f := setup(t)
	f.ready = errors.New("database down")
	for range 3 {
		require.Equal(t, http.StatusServiceUnavailable, f.get("/readyz", "").Code)
	}
	f.ready = nil
	for range 3 {
		require.Equal(t, http.StatusOK, f.get("/readyz", "").Code)
	}
	require.Equal(t, 1, strings.Count(f.logs.String(), `"msg":"not ready"`), f.logs.String())
	require.Equal(t, 1, strings.Count(f.logs.String(), `"msg":"ready again"`), f.logs.String())
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
		{http.MethodPost, "/healthz", "GET, HEAD"},
		{http.MethodDelete, "/metrics", "GET, HEAD"},
		{http.MethodPut, "/openapi.yaml", "GET, HEAD"},
		{http.MethodPost, "/workspaces/1/operations", "GET, HEAD"},
		{http.MethodDelete, runPath(ws, run), "GET, HEAD"},
		{http.MethodGet, runPath(ws, run) + "/reconcile", "POST"},
		{http.MethodHead, runPath(ws, run) + "/reconcile", "POST"},
		{http.MethodPatch, "/workspaces/1/reconciliation/families", "GET, HEAD"},
		{"BREW", "/healthz", "GET, HEAD"},
	}
	for _, c := range cases {
		res := f.do(request{Method: c.method, Path: c.path, Token: f.token("alice")})
		require.Equal(t, http.StatusMethodNotAllowed, res.Code, c.method+" "+c.path)
		require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
		require.Equal(t, "method_not_allowed", res.json(t)["code"])
		require.Equal(t, c.allow, res.Header.Get("Allow"))
		require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	}

	// A method the router does not know, on a path it does not serve, is no
	// 405 with an empty Allow: nothing is there.
	res := f.do(request{Method: "BREW", Path: "/nope"})
	require.Equal(t, http.StatusNotFound, res.Code)
	require.Equal(t, "not_found", res.json(t)["code"])
	require.Empty(t, res.Header.Values("Allow"))
}

func TestRequestIDIsEchoedOrMade(t *testing.T) {
	f := setup(t)
	res := ok(t, f.as("").healthz(withHeader("X-Request-Id", "abc-123")))
	require.Equal(t, "abc-123", res.HTTPResponse.Header.Get("X-Request-Id"))

	made := ok(t, f.as("").healthz(withHeader("X-Request-Id", "bad id "+strings.Repeat("x", 80))))
	require.NotEmpty(t, made.HTTPResponse.Header.Get("X-Request-Id"))
	require.NotContains(t, made.HTTPResponse.Header.Get("X-Request-Id"), "bad")
}
