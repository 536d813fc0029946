package app_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
)

// TestRaceJobAndEightReconcilers releases a stale run's own job completion
// and 8 manual reconciles at once, 200 times on fresh runs: exactly one of
// them completes the run, and a job that wins is never overwritten.
func TestRaceJobAndEightReconcilers(t *testing.T) {
	t.Parallel()
	const iterations, reconcilers = 200, 8
	ctx := context.Background()
	_, url := dbtest.NewWithURL(t)
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.MaxConns = reconcilers + 2 // every contender holds a connection at once
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	b := newHarness(t, pool)
	s := scene{t: t, b: b, typ: string(domain.FamilyInventorySync)}

	jobWins, reconcilerWins := 0, 0
	for it := range iterations {
		run := partialInventory(s)
		start := make(chan struct{})
		var wg sync.WaitGroup
		var jobWon bool
		var jobErr error
		results := make([]app.ReconcileResult, reconcilers)
		errs := make([]error, reconcilers)
		wg.Add(1 + reconcilers)
		go func() {
			defer wg.Done()
			<-start
			// The job's last steps before completing take 0 to 3 round
			// trips, so that every interleaving with the reconcilers occurs.
			for range it % 4 {
				if _, err := pool.Exec(ctx, `SELECT 1`); err != nil {
					jobErr = err
					return
				}
			}
			// The job runtime completes its own run unless it is completed already.
			tag, err := pool.Exec(ctx, `UPDATE operation_runs SET status = 'completed', outcome = 'succeeded', completed_at = now()
				WHERE id = $1 AND status <> 'completed'`, run.ID)
			jobWon, jobErr = tag.RowsAffected() == 1, err
		}()
		for i := range reconcilers {
			go func() {
				defer wg.Done()
				<-start
				results[i], errs[i] = b.reconcileAs(ctx, "racer", run, false)
			}()
		}
		close(start)
		wg.Wait()

		require.NoError(t, jobErr)
		applied := 0
		for i := range reconcilers {
			require.NoError(t, errs[i])
			if results[i].Applied {
				applied++
				continue
			}
			require.Equal(t, domain.DecisionAlreadyTerminal, results[i].Decision.Kind, "a loser sees the winner")
		}
		final := prooftest.Get(t, pool, b.w.WS, run.ID)
		require.Equal(t, domain.StatusCompleted, final.Status)
		if jobWon {
			jobWins++
			require.Zero(t, applied, "the job's completion is never overwritten")
			require.Equal(t, domain.OutcomeSucceeded, final.Outcome)
			require.Nil(t, reconciliationOf(t, final))
		} else {
			reconcilerWins++
			require.Equal(t, 1, applied, "exactly one reconciler writes")
			require.Equal(t, domain.OutcomePartiallySucceeded, final.Outcome)
			require.NotNil(t, reconciliationOf(t, final))
		}
	}
	t.Logf("%d iterations: job won %d, a reconciler won %d", iterations, jobWins, reconcilerWins)
	// Both branches above must have been exercised for the test to mean anything.
	require.Positive(t, jobWins, "the job never won a race")
	require.Positive(t, reconcilerWins, "a reconciler never won a race")
}
