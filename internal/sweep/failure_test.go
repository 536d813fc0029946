package sweep_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/repo"
	"github.com/runproof/runproof/internal/sweep"
)

// killOwnBackend terminates the connection tx runs on, from another
// connection, and waits until that backend is gone (and its locks with it).
func killOwnBackend(t testing.TB, pool *pgxpool.Pool, ctx context.Context, tx repo.DBTX) {
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
	s.SetAfterClaim(func(ctx context.Context, tx repo.DBTX) {
		if batches.Add(1) == 2 {
			killOwnBackend(t, pool, ctx, tx)
		}
	})
	res, err := s.RunOnce(ctx, sweep.Options{})
	require.Error(t, err)
	require.Equal(t, 300, res.Finalized, "the batch before the kill committed")
	require.Equal(t, doneBefore+300, countCompleted(t, pool, f.ws), "the killed batch wrote nothing")

	res, err = s.RunOnce(ctx, sweep.Options{})
	require.NoError(t, err)
	require.Equal(t, 600, res.Finalized)
	completions, rewrites := auditCounts(t, pool)
	require.Zero(t, rewrites)
	require.Len(t, completions, 900)
	for id, n := range completions {
		require.Equal(t, 1, n, "run %d", id)
	}
}

// logSink forwards each log message to a channel.
type logSink struct{ msgs chan string }

func (l logSink) Enabled(context.Context, slog.Level) bool { return true }
func (l logSink) Handle(_ context.Context, r slog.Record) error {
	l.msgs <- r.Message
	return nil
}
func (l logSink) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l logSink) WithGroup(string) slog.Handler      { return l }

// TestLoopBacksOffAndRecovers drives Start with an injected timer: a pass
// that loses its connection is logged once, the loop retries after a short
// backoff (not the full interval) and logs its recovery, and Stop returns.
func TestLoopBacksOffAndRecovers(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedFixture(t, pool, 45, now)

	sink := logSink{msgs: make(chan string, 100)}
	waits := make(chan time.Duration, 10)
	ticks := make(chan time.Time)
	s, err := sweep.New(pool, sweep.Config{
		Interval: time.Hour, BatchSize: 20, Workers: 1, Now: func() time.Time { return now },
		Log:   slog.New(sink),
		After: func(d time.Duration) <-chan time.Time { waits <- d; return ticks },
	})
	require.NoError(t, err)
	var batches atomic.Int32
	s.SetAfterClaim(func(ctx context.Context, tx repo.DBTX) {
		if batches.Add(1) == 1 {
			killOwnBackend(t, pool, ctx, tx)
		}
	})

	s.Start(context.Background())
	next(t, sink.msgs, "sweep failed")
	require.Equal(t, time.Second, <-waits, "a failed pass retries after the first backoff step")
	ticks <- now
	next(t, sink.msgs, "sweep recovered")
	require.Equal(t, time.Hour, <-waits, "a good pass waits the full interval")
	s.Stop()
	require.Equal(t, 45, countCompleted(t, pool, f.ws)-f.completedByJob, "every stale run finalized once recovered")
}

// next waits for a message starting with prefix, failing on a message that
// says the failure again (it must be logged once) and when none comes.
func next(t *testing.T, msgs <-chan string, prefix string) {
	t.Helper()
	deadline := time.After(time.Minute) // a failure bound, not a timing assertion
	for {
		select {
		case m := <-msgs:
			if strings.HasPrefix(m, prefix) {
				return
			}
			require.NotEqual(t, "sweep failed; retrying with backoff", m, "failure logged twice")
		case <-deadline:
			t.Fatalf("no %q message", prefix)
		}
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
	s.SetAfterClaim(func(context.Context, repo.DBTX) { cancel() })
	_, err := s.RunOnce(ctx, sweep.Options{})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, doneBefore, countCompleted(t, pool, f.ws))
}
