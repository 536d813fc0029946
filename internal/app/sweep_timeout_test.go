package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/repo"
)

// A batch may take longer than the pool's statement limit (the API's): it
// lifts the limit for its own transaction to its batch limit.
func TestBatchOutlivesThePoolStatementLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	direct, url := dbtest.NewWithURL(t)
	now := time.Now()
	f := seedFixture(t, direct, 20, now)
	pool, err := repo.Connect(ctx, url, repo.PoolOptions{StatementTimeout: 50 * time.Millisecond})
	require.NoError(t, err)
	defer pool.Close()

	s := newSweeper(t, pool, now, 100, 1)
	app.SetAfterClaim(s, func(ctx context.Context, tx repo.DBTX) {
		_, err := tx.Exec(ctx, `SELECT pg_sleep(0.2)`) // a slow statement in the batch
		require.NoError(t, err)
	})
	res, err := s.Sweep(ctx, app.SweepOptions{})
	require.NoError(t, err)
	require.Equal(t, 20, res.Finalized)
	require.Equal(t, 20, countCompleted(t, direct, f.ws)-f.completedByJob)
}

// With the database frozen mid-batch, the pass fails within its batch limit
// (it is logged and retried by the loop) and leaves nothing half-written.
func TestFrozenDatabaseFailsTheBatchInTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	direct, url := dbtest.NewWithURL(t)
	now := time.Now()
	f := seedFixture(t, direct, 20, now)
	doneBefore := countCompleted(t, direct, f.ws)
	proxy := dbtest.NewProxy(t, url)
	pool, err := repo.Connect(ctx, proxy.URL(url), repo.PoolOptions{StatementTimeout: 5 * time.Second})
	require.NoError(t, err)
	defer pool.Close()
	defer proxy.Cut() // before Close: ends what the freeze holds

	const limit = 300 * time.Millisecond
	s, err := app.New(pool, app.Config{SweepBatchSize: 100, SweepWorkers: 1, SweepBatchTimeout: limit, Now: func() time.Time { return now }})
	require.NoError(t, err)
	app.SetAfterClaim(s, func(context.Context, repo.DBTX) { proxy.Freeze() })
	failed := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := s.Sweep(ctx, app.SweepOptions{})
		failed <- err
	}()
	select {
	case err := <-failed:
		require.Error(t, err)
		require.True(t, repo.IsUnavailable(err), "%v", err)
		require.Less(t, time.Since(start), limit+2*time.Second, "the batch limit plus its bounded rollback")
	case <-time.After(limit + 10*time.Second): // a failure bound, not a timing assertion
		t.Fatal("a frozen database held the sweep past its batch limit")
	}
	proxy.Restore()
	require.Equal(t, doneBefore, countCompleted(t, direct, f.ws), "the abandoned batch wrote nothing")
}
