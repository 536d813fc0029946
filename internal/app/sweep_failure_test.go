package app_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/metrics"
	"github.com/runproof/runproof/internal/repo"
)

// killOwnBackend terminates the connection tx runs on, from another
// connection, and waits until that backend is gone (and its locks with it).
func killOwnBackend(ctx context.Context, t testing.TB, pool *pgxpool.Pool, tx repo.DBTX) {
	t.Helper()
	var pid int
	require.NoError(t, tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid))
	var killed bool
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT pg_terminate_backend($1, 10000)`, pid).Scan(&killed))
	require.True(t, killed)
}

func countCompleted(t testing.TB, pool *pgxpool.Pool, ws int64) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM operation_runs WHERE workspace_id = $1 AND status = 'completed'`, ws).Scan(&n))
	return n
}

// TestConnectionKilledMidSweep kills the sweeper's database connection in its
// second batch: the first batch stays written, the second leaves nothing
// behind, and the next pass finishes the work, finalizing every run once.
func TestConnectionKilledMidSweep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedFixture(t, pool, 900, now)
	installAudit(t, pool)
	doneBefore := countCompleted(t, pool, f.ws)

	s := newSweeper(t, pool, now, 300, 1)
	var batches atomic.Int32
	app.SetAfterClaim(s, func(ctx context.Context, tx repo.DBTX) {
		if batches.Add(1) == 2 {
			killOwnBackend(ctx, t, pool, tx)
		}
	})
	res, err := s.Sweep(ctx, app.SweepOptions{})
	require.Error(t, err)
	require.Equal(t, 300, res.Finalized, "the batch before the kill committed")
	require.Equal(t, doneBefore+300, countCompleted(t, pool, f.ws), "the killed batch wrote nothing")

	res, err = s.Sweep(ctx, app.SweepOptions{})
	require.NoError(t, err)
	require.Equal(t, 600, res.Finalized)
	completions, rewrites := auditCounts(t, pool)
	require.Zero(t, rewrites)
	require.Len(t, completions, 900)
	for id, n := range completions {
		require.Equal(t, 1, n, "run %d", id)
	}
}

// TestShutdownMidBatchWritesNothing cancels the pass inside its batch: the
// batch rolls back whole.
func TestShutdownMidBatchWritesNothing(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedFixture(t, pool, 30, now)
	doneBefore := countCompleted(t, pool, f.ws)

	ctx, cancel := context.WithCancel(context.Background())
	s := newSweeper(t, pool, now, 100, 2)
	app.SetAfterClaim(s, func(context.Context, repo.DBTX) { cancel() })
	_, err := s.Sweep(ctx, app.SweepOptions{})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, doneBefore, countCompleted(t, pool, f.ws))
}

// TestPoisonRunDoesNotStallTheSweep puts one stale run whose write always
// fails (a trigger raises for it) beside 999 good ones: the pass finalizes
// the 999 all the same, counts the poison run in the metrics and names it
// in a log line, and the next pass tries it again.
func TestPoisonRunDoesNotStallTheSweep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedFixture(t, pool, 1000, now)
	doneBefore := countCompleted(t, pool, f.ws)
	var poison int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM operation_runs WHERE workspace_id = $1 AND context ? 'case'
		ORDER BY id OFFSET 500 LIMIT 1`, f.ws).Scan(&poison))
	_, err := pool.Exec(ctx, fmt.Sprintf(`
		CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.id = %d THEN RAISE EXCEPTION 'run %% cannot be written', NEW.id; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER poison BEFORE UPDATE ON operation_runs FOR EACH ROW EXECUTE FUNCTION poison();`, poison))
	require.NoError(t, err)

	meters := metrics.New()
	var logs bytes.Buffer
	a, err := app.New(pool, app.Config{SweepBatchSize: 1000, Metrics: meters, Now: func() time.Time { return now },
		Log: slog.New(slog.NewJSONHandler(&logs, nil))})
	require.NoError(t, err)

	res, err := a.Sweep(ctx, app.SweepOptions{})
	require.NoError(t, err, "one run does not fail the pass")
	require.Equal(t, 1000, res.Claimed)
	require.Equal(t, 999, res.Finalized, "every other run is finalized in the same pass")
	require.Equal(t, 1, res.Failed)
	require.Zero(t, res.Skipped)
	require.Equal(t, doneBefore+999, countCompleted(t, pool, f.ws))
	require.Equal(t, "running", runStatus(t, pool, poison))
	require.Contains(t, scrape(t, meters), "runproof_sweep_run_failures_total 1\n")
	require.Contains(t, logs.String(), fmt.Sprintf(`"msg":"sweep: run failed; the next pass tries it again","run_id":%d`, poison))

	again, err := a.Sweep(ctx, app.SweepOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, again.Claimed, "the next pass tries the run again")
	require.Equal(t, 1, again.Failed)
	require.Contains(t, scrape(t, meters), "runproof_sweep_run_failures_total 2\n")

	_, err = pool.Exec(ctx, `DROP TRIGGER poison ON operation_runs`)
	require.NoError(t, err)
	fixed, err := a.Sweep(ctx, app.SweepOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, fixed.Finalized, "once the row can be written, it is")
	require.Equal(t, "completed", runStatus(t, pool, poison))
}

func runStatus(t testing.TB, pool *pgxpool.Pool, id int64) string {
	t.Helper()
	var status string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT status FROM operation_runs WHERE id = $1`, id).Scan(&status))
	return status
}

// scrape returns the metrics as Prometheus serves them.
func scrape(t testing.TB, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	return rec.Body.String()
}

// TestSweepFailsWhenEveryRunFails makes every write of a run fail: that is
// no run's fault, so the pass fails (once, without a log line per run), but
// it still tries every batch, and writes nothing.
func TestSweepFailsWhenEveryRunFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedFixture(t, pool, 25, now)
	doneBefore := countCompleted(t, pool, f.ws)
	_, err := pool.Exec(ctx, `
		CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'runs cannot be written'; END $$;
		CREATE TRIGGER refuse BEFORE UPDATE ON operation_runs FOR EACH ROW EXECUTE FUNCTION refuse();`)
	require.NoError(t, err)
	var logs bytes.Buffer
	a, err := app.New(pool, app.Config{SweepBatchSize: 10, SweepWorkers: 1, Now: func() time.Time { return now },
		Log: slog.New(slog.NewJSONHandler(&logs, nil))})
	require.NoError(t, err)

	res, err := a.Sweep(ctx, app.SweepOptions{})
	require.ErrorContains(t, err, "every run of the batch failed on its own")
	require.ErrorContains(t, err, "runs cannot be written")
	require.Equal(t, 25, res.Claimed, "every batch was tried")
	require.Equal(t, 25, res.Failed)
	require.Zero(t, res.Finalized)
	require.Equal(t, doneBefore, countCompleted(t, pool, f.ws))
	require.NotContains(t, logs.String(), "run_id", "no line per run")
}
