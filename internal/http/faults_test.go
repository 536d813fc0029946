package http_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	rphttp "github.com/runproof/runproof/internal/http"
	"github.com/runproof/runproof/internal/repo"
)

// setupBehindProxy is a fixture whose router reaches PostgreSQL the way the
// service does (repo.Connect with statementTimeout, its outage log in the
// fixture's logs), through a proxy the test can freeze or cut. Test data
// still goes straight to the database through f.pool.
func setupBehindProxy(t *testing.T, requestTimeout, statementTimeout time.Duration) (*fixture, *dbtest.Proxy) {
	t.Helper()
	f := setup(t)
	proxy := dbtest.NewProxy(t, f.url)
	pool, err := repo.Connect(context.Background(), proxy.URL(f.url), repo.PoolOptions{
		StatementTimeout: statementTimeout,
		Log:              slog.New(slog.NewJSONHandler(&f.logs, nil)),
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		proxy.Cut() // ends what a freeze holds, so that Close need not wait for it
		pool.Close()
	})
	f.rebuild(func(_ *fixture, d *rphttp.Deps) {
		a, err := app.New(pool, app.Config{Now: f.clock})
		require.NoError(t, err)
		d.App = a
		d.Ready = pool.Ping
		d.RequestTimeout = requestTimeout
	})
	return f, proxy
}

// databaseRoutes are a request to every route that needs the database, for
// a stale run that alice owns.
func (f *fixture) databaseRoutes() []request {
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour})
	tok := f.token("alice")
	return []request{
		{Path: hubPath(ws, ""), Token: tok},
		{Path: runPath(ws, run), Token: tok},
		{Method: http.MethodPost, Path: reconcilePath(ws, run), Token: tok, Body: `{"dry_run": true}`},
		{Path: "/workspaces/" + itoa(ws) + "/reconciliation/families", Token: tok},
		{Path: "/readyz"},
	}
}

// doWithin is do for a request that must answer within bound: it fails the
// test, rather than hang it, when no answer comes by then (plus a margin for
// a slow machine), and returns how long the answer took.
func (f *fixture) doWithin(req request, bound time.Duration) (response, time.Duration) {
	f.t.Helper()
	hr := f.newRequest(req)
	rec := httptest.NewRecorder()
	answered := make(chan time.Duration, 1)
	start := time.Now()
	go func() {
		f.router.ServeHTTP(rec, hr)
		answered <- time.Since(start)
	}()
	select {
	case took := <-answered:
		res := response{Code: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}
		f.validate(hr, res)
		return res, took
	case <-time.After(bound + 5*time.Second):
		f.t.Fatalf("%s %s: no answer within %s", hr.Method, hr.URL, bound)
		return response{}, 0
	}
}

// requireUnavailable checks an honest 503: problem+json, code unavailable,
// Retry-After, and no per-request error line.
func requireUnavailable(t *testing.T, f *fixture, req request, res response) {
	t.Helper()
	require.Equal(t, http.StatusServiceUnavailable, res.Code, "%s %s: %s", req.Method, req.Path, res.Body)
	require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	require.Equal(t, "unavailable", res.json(t)["code"])
	require.Equal(t, "5", res.Header.Get("Retry-After"))
	require.NotContains(t, f.logs.String(), `"msg":"request failed"`, "an outage is not logged per request")
}

// With PostgreSQL frozen (connections open, nothing answers), every route
// that needs it answers 503 within its limit plus a second; the others keep
// answering; once traffic flows again, so does the service, without a
// restart. The outage is logged once, with its count when it ends.
func TestFrozenDatabaseAnswers503InTimeAndRecovers(t *testing.T) {
	const limit = 300 * time.Millisecond
	f, proxy := setupBehindProxy(t, limit, 5*time.Second)
	routes := f.databaseRoutes()
	for _, req := range routes {
		require.Equal(t, http.StatusOK, f.do(req).Code, req.Path)
	}

	proxy.Freeze()
	for _, req := range routes {
		res, took := f.doWithin(req, limit+time.Second)
		requireUnavailable(t, f, req, res)
		require.Less(t, took, limit+time.Second, "%s %s is bounded by its limit", req.Method, req.Path)
	}
	for _, path := range []string{"/healthz", "/openapi.yaml", "/metrics"} {
		require.Equal(t, http.StatusOK, f.get(path, "").Code, "%s needs no database", path)
	}
	require.Equal(t, 1, strings.Count(f.logs.String(), `"msg":"database unavailable"`), f.logs.String())

	proxy.Restore()
	for _, req := range routes {
		require.Equal(t, http.StatusOK, f.do(req).Code, req.Path)
	}
	require.Equal(t, 1, strings.Count(f.logs.String(), `"msg":"database available again"`), f.logs.String())
}

// With PostgreSQL stopped (connections dropped and refused), every route
// that needs it answers 503 with Retry-After, never 500.
func TestStoppedDatabaseAnswers503(t *testing.T) {
	f, proxy := setupBehindProxy(t, 10*time.Second, 5*time.Second)
	routes := f.databaseRoutes()
	for _, req := range routes {
		require.Equal(t, http.StatusOK, f.do(req).Code, req.Path)
	}

	proxy.Cut()
	for range 2 { // dropped connections first, then refused ones
		for _, req := range routes {
			requireUnavailable(t, f, req, f.do(req))
		}
	}
	require.Equal(t, 1, strings.Count(f.logs.String(), `"msg":"database unavailable"`), f.logs.String())

	proxy.Restore()
	for _, req := range routes {
		require.Equal(t, http.StatusOK, f.do(req).Code, req.Path)
	}
}

// A reconcile stuck behind a job's row lock answers 503 when its limit runs
// out, whether the request's deadline or the pool's lock limit comes first;
// its wait is cancelled on the server, and the job holding the lock
// finishes its own write unharmed.
func TestRequestStuckBehindRowLockIs503AndHolderUnharmed(t *testing.T) {
	cases := map[string]struct{ request, statement time.Duration }{
		"REQUEST_TIMEOUT":      {request: 300 * time.Millisecond, statement: 5 * time.Second},
		"DB_STATEMENT_TIMEOUT": {request: 10 * time.Second, statement: 300 * time.Millisecond},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f, _ := setupBehindProxy(t, c.request, c.statement)
			ctx := context.Background()
			ws := f.workspace("w")
			f.member(ws, "alice", "owner")
			run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory}) // decided: it would be written

			job, err := f.pool.Begin(ctx)
			require.NoError(t, err)
			defer job.Rollback(ctx) // a no-op after Commit
			_, err = job.Exec(ctx, `UPDATE operation_runs SET summary_counts = '{"items": 7}' WHERE id = $1`, run)
			require.NoError(t, err)

			req := request{Method: http.MethodPost, Path: reconcilePath(ws, run), Token: f.token("alice")}
			bound := min(c.request, c.statement) + time.Second
			res, took := f.doWithin(req, bound)
			requireUnavailable(t, f, req, res)
			require.Less(t, took, bound)

			var waiting int
			require.NoError(t, f.pool.QueryRow(ctx,
				`SELECT count(*) FROM pg_locks WHERE relation = 'operation_runs'::regclass AND NOT granted
					AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting))
			require.Zero(t, waiting, "the abandoned write no longer waits")
			require.NoError(t, job.Commit(ctx))
			var status, items string
			require.NoError(t, f.pool.QueryRow(ctx,
				`SELECT status, summary_counts->>'items' FROM operation_runs WHERE id = $1`, run).Scan(&status, &items))
			require.Equal(t, "running", status, "not finalized by the abandoned request")
			require.Equal(t, "7", items, "the job's write stands")
		})
	}
}
