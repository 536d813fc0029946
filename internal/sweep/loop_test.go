package sweep_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/sweep"
)

// logSink forwards each log message to a channel.
type logSink struct{ msgs chan string }

func (l logSink) Enabled(context.Context, slog.Level) bool { return true }
func (l logSink) Handle(_ context.Context, r slog.Record) error {
	l.msgs <- r.Message
	return nil
}
func (l logSink) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l logSink) WithGroup(string) slog.Handler      { return l }

// failFirst is a real sweep pass whose first run fails: it starts on a
// context that has already ended, so it writes nothing.
type failFirst struct {
	app   *app.App
	calls atomic.Int32
}

func (p *failFirst) Sweep(ctx context.Context, opts app.SweepOptions) (app.SweepResult, error) {
	if p.calls.Add(1) == 1 {
		ended, cancel := context.WithCancel(ctx)
		cancel()
		ctx = ended
	}
	return p.app.Sweep(ctx, opts)
}

// TestLoopBacksOffAndRecovers drives Start with an injected timer: a failing
// pass is logged once, the loop retries after a short backoff (not the full
// interval) and logs its recovery, and Stop returns.
func TestLoopBacksOffAndRecovers(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	w := prooftest.NewWorld(t, pool)
	prooftest.SeedMixed(t, pool, w, 45)
	a, err := app.New(pool, app.Config{SweepBatchSize: 20, SweepWorkers: 1})
	require.NoError(t, err)

	sink := logSink{msgs: make(chan string, 100)}
	waits := make(chan time.Duration, 10)
	ticks := make(chan time.Time)
	s, err := sweep.New(&failFirst{app: a}, sweep.Config{
		Interval: time.Hour,
		Log:      slog.New(sink),
		After:    func(d time.Duration) <-chan time.Time { waits <- d; return ticks },
	})
	require.NoError(t, err)

	s.Start(context.Background())
	next(t, sink.msgs, "sweep failed")
	require.Equal(t, time.Second, <-waits, "a failed pass retries after the first backoff step")
	ticks <- time.Now()
	next(t, sink.msgs, "sweep recovered")
	require.Equal(t, time.Hour, <-waits, "a good pass waits the full interval")
	s.Stop()
	var completed int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM operation_runs WHERE workspace_id = $1 AND status = 'completed'`, w.WS).Scan(&completed))
	require.Equal(t, 45, completed, "every stale run finalized once recovered")
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
