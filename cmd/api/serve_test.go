package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
)

// serving runs `api serve` with environ until the test ends. It returns the
// base URL once the server listens, the channel of its later log lines, and
// stop, which shuts it down and returns its exit code and the log lines
// nobody read: those before "listening" and those left in the channel.
func serving(t *testing.T, environ []string) (string, <-chan map[string]any, func() (int, []map[string]any)) {
	t.Helper()
	logs, w := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	go func() {
		// No drain unless the test asks for one; later settings win.
		environ := append(append([]string{"SHUTDOWN_DRAIN=0"}, environ...), "LISTEN_ADDR=127.0.0.1:0")
		exit <- run(ctx, []string{"serve"}, environ, io.Discard, w)
		_ = w.Close() // ends the log reader's scan; a PipeWriter's Close never fails
	}()
	lines := make(chan map[string]any, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil {
				lines <- line
			}
		}
	}()
	var once sync.Once
	var code int
	var rest []map[string]any // start-up lines first
	stop := func() (int, []map[string]any) {
		once.Do(func() {
			cancel()
			for line := range lines { // until the server closed its log
				rest = append(rest, line)
			}
			code = <-exit
		})
		return code, rest
	}
	t.Cleanup(func() { stop() })
	for line := range lines {
		if line["msg"] == "listening" {
			return "http://" + line["addr"].(string), lines, stop
		}
		rest = append(rest, line)
	}
	t.Fatal("serve stopped before listening")
	return "", nil, nil
}

// servingDemo seeds the demo into a fresh database and serves it with
// SWEEP_INTERVAL=sweepInterval, as serving does.
func servingDemo(t *testing.T, sweepInterval string) (*pgxpool.Pool, string, <-chan map[string]any, func() (int, []map[string]any)) {
	t.Helper()
	pool, url := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + url, devSecret, "SWEEP_INTERVAL=" + sweepInterval}
	require.Equal(t, 0, runCLI(t, env, "seed", "demo").code)
	base, logs, stop := serving(t, env)
	return pool, base, logs, stop
}

// TestServeSweepsAndShutsDown starts the real binary's serve verb: it becomes
// ready, its sweeper finalizes the demo's stale runs on its first pass, and a
// cancelled context shuts it down cleanly (exit code 0).
func TestServeSweepsAndShutsDown(t *testing.T) {
	t.Parallel()
	pool, base, logs, stop := servingDemo(t, "1h")
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/readyz", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close() // nothing was read; only the status matters
	require.Equal(t, http.StatusOK, res.StatusCode)

	deadline := time.After(time.Minute) // a failure bound, not a timing assertion
	for pass := false; !pass; {
		select {
		case line := <-logs:
			if line["msg"] == "sweep pass" {
				require.EqualValues(t, 26, line["finalized"], "every stale demo run, once")
				pass = true
			}
		case <-deadline:
			t.Fatal("the sweeper's first pass never came")
		}
	}
	var open int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM operation_runs WHERE status <> 'completed'`).Scan(&open))
	require.Equal(t, 2, open, "only the demo's two fresh runs stay open")
	code, rest := stop()
	require.Equal(t, 0, code, "graceful shutdown")
	require.Contains(t, msgs(rest), "sweeper started")
}

// TestServeWithoutSweeper: SWEEP_INTERVAL=0 serves without ever sweeping.
func TestServeWithoutSweeper(t *testing.T) {
	t.Parallel()
	pool, base, _, stop := servingDemo(t, "0")
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/healthz", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close() // nothing was read; only its log line matters
	code, rest := stop()
	require.Equal(t, 0, code)
	require.Contains(t, msgs(rest), "sweeper off")
	require.NotContains(t, msgs(rest), "sweeper started")
	logged := false
	for _, line := range rest {
		logged = logged || line["msg"] == "request" && line["route"] == "/healthz"
	}
	require.True(t, logged, "LOG_LEVEL defaults to info: every request is logged")
	var completed int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM operation_runs WHERE context ? 'reconciliation' AND context->>'demo_scenario' NOT LIKE 'reconciled.%'`).Scan(&completed))
	require.Zero(t, completed, "no run reconciled but those the demo holds as reconciled yesterday")
}

// msgs are the messages of log lines.
func msgs(lines []map[string]any) []any {
	out := make([]any, len(lines))
	for i, line := range lines {
		out[i] = line["msg"]
	}
	return out
}
