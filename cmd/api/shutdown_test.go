package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/dbtest"
)

// stuckServe serves the demo with settings (after the defaults below) and
// starts a hub request that waits behind a job holding the members table. It
// returns the server, the job (commit it to let the request go) and the
// request's answer, once it comes.
func stuckServe(t *testing.T, settings ...string) (*pgxpool.Pool, string, func() (int, []map[string]any), pgx.Tx, <-chan answer) {
	t.Helper()
	ctx := context.Background()
	pool, url := dbtest.NewWithURL(t)
	env := append([]string{"DATABASE_URL=" + url, devSecret, "SWEEP_INTERVAL=0",
		"REQUEST_TIMEOUT=1m", "DB_STATEMENT_TIMEOUT=1m"}, settings...)
	require.Equal(t, 0, runCLI(t, env, "seed", "demo").code)
	base, _, stop := serving(t, env)
	var ws int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM workspaces WHERE slug = 'demo'`).Scan(&ws))
	tok, err := authz.IssueHS256(authz.IssueParams{Secret: []byte(devSecret[len("JWT_HS256_SECRET="):]), Subject: "demo", TTL: time.Hour, Now: time.Now()})
	require.NoError(t, err)

	job, err := pool.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { job.Rollback(ctx) }) // a no-op after Commit
	_, err = job.Exec(ctx, `LOCK TABLE workspace_members IN ACCESS EXCLUSIVE MODE`)
	require.NoError(t, err)
	answers := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/workspaces/"+strconv.FormatInt(ws, 10)+"/operations", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		answers <- get(req)
	}()
	deadline := time.Now().Add(time.Minute) // a failure bound, not a timing assertion
	for waiting := 0; waiting == 0; {
		require.True(t, time.Now().Before(deadline), "the request never reached the lock")
		select {
		case a := <-answers:
			t.Fatalf("the request answered at once: %+v", a)
		default:
		}
		require.NoError(t, pool.QueryRow(ctx,
			waitingSQL).Scan(&waiting))
	}
	return pool, base, stop, job, answers
}

// waitingSQL counts the lock waits on workspace_members in this test's
// database (pg_locks covers the whole cluster, and cloned databases share oids).
const waitingSQL = `SELECT count(*) FROM pg_locks WHERE relation = 'workspace_members'::regclass AND NOT granted
	AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`

// answer is what a client got: a status and problem code, or an error.
type answer struct {
	status int
	code   string
	err    error
}

func get(req *http.Request) answer {
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer func() { _ = res.Body.Close() }() // read to the end below; closing loses nothing
	var p struct {
		Code string `json:"code"`
	}
	body, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(body, &p)
	return answer{status: res.StatusCode, code: p.Code}
}

// shutDown signals the server (cancels its context, as SIGTERM does) and
// returns how long it took to exit, with its exit code and last log lines.
func shutDown(stop func() (int, []map[string]any)) <-chan exited {
	out := make(chan exited, 1)
	start := time.Now()
	go func() {
		code, rest := stop()
		out <- exited{code: code, logs: rest, took: time.Since(start)}
	}()
	return out
}

type exited struct {
	code int
	logs []map[string]any
	took time.Duration
}

func wait[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(time.Minute): // a failure bound, not a timing assertion
		t.Fatalf("no %s", what)
		var zero T
		return zero
	}
}

// SIGTERM with a request in flight: readiness fails at once while the
// listener keeps serving for the drain; then the server waits for the
// request, which answers in full, and exits 0 within drain + grace + 2 s.
func TestServeDrainsThenFinishesRequestsInFlight(t *testing.T) {
	t.Parallel()
	const drain, grace = 2 * time.Second, 10 * time.Second
	_, base, stop, job, answers := stuckServe(t, "SHUTDOWN_DRAIN="+drain.String(), "SHUTDOWN_GRACE="+grace.String())
	status := func(path string) int {
		a := get(must(http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)))
		require.NoError(t, a.err, "the listener still serves during the drain")
		return a.status
	}
	require.Equal(t, http.StatusOK, status("/readyz"))

	exit := shutDown(stop)
	deadline := time.Now().Add(drain) // bounded: readiness must fail within the drain
	for status("/readyz") != http.StatusServiceUnavailable {
		require.True(t, time.Now().Before(deadline), "readiness still passes after the signal")
	}
	require.Equal(t, http.StatusOK, status("/healthz"), "still serving, while not ready")

	require.NoError(t, job.Commit(context.Background()))
	a := wait(t, answers, "answer to the request in flight")
	require.NoError(t, a.err)
	require.Equal(t, http.StatusOK, a.status, "a request in flight finishes during the grace")
	e := wait(t, exit, "exit")
	require.Equal(t, 0, e.code)
	require.Less(t, e.took, drain+grace+2*time.Second)
	require.Contains(t, msgs(e.logs), "shutting down: draining")
}

// SIGTERM with a request stuck past the grace: it is cancelled (its wait in
// PostgreSQL too) and answered 503, and the server exits 0 within
// drain + grace + 2 s; the job holding the lock is unharmed.
func TestServeCancelsRequestsStuckPastTheGrace(t *testing.T) {
	t.Parallel()
	const drain, grace = 200 * time.Millisecond, 500 * time.Millisecond
	pool, _, stop, job, answers := stuckServe(t, "SHUTDOWN_DRAIN="+drain.String(), "SHUTDOWN_GRACE="+grace.String())

	e := wait(t, shutDown(stop), "exit")
	require.Equal(t, 0, e.code)
	require.Less(t, e.took, drain+grace+2*time.Second)
	require.Contains(t, msgs(e.logs), "shutting down: cancelling the requests still running after the grace")
	a := wait(t, answers, "answer to the stuck request")
	require.NoError(t, a.err)
	require.Equal(t, http.StatusServiceUnavailable, a.status)
	require.Equal(t, "unavailable", a.code)

	ctx := context.Background()
	var waiting int
	require.NoError(t, pool.QueryRow(ctx,
		waitingSQL).Scan(&waiting))
	require.Zero(t, waiting, "the cancelled request no longer waits in PostgreSQL")
	require.NoError(t, job.Commit(ctx), "the job holding the lock is unharmed")
}

// METRICS_ADDR serves /metrics on its own listener, and then not on the API's.
func TestServeMetricsOnTheirOwnListener(t *testing.T) {
	t.Parallel()
	_, url := dbtest.NewWithURL(t)
	base, logs, stop := serving(t, []string{"DATABASE_URL=" + url, devSecret, "SWEEP_INTERVAL=0", "METRICS_ADDR=127.0.0.1:0"})
	var metricsBase string
	for metricsBase == "" {
		line := wait(t, logs, "metrics listener")
		if line["msg"] == "metrics listening" {
			metricsBase = "http://" + line["addr"].(string)
		}
	}
	scrape := get(must(http.NewRequestWithContext(t.Context(), http.MethodGet, metricsBase+"/metrics", nil)))
	require.NoError(t, scrape.err)
	require.Equal(t, http.StatusOK, scrape.status)
	api := get(must(http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/metrics", nil)))
	require.NoError(t, api.err)
	require.Equal(t, http.StatusNotFound, api.status)
	code, _ := stop()
	require.Equal(t, 0, code)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
