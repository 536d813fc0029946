package app_test

import (
	"context"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/repo"
)

// newSweeper is an App whose sweep passes claim batch runs per transaction
// with workers at once, at the fixed time now.
func newSweeper(t testing.TB, pool *pgxpool.Pool, now time.Time, batch, workers int) *app.App {
	t.Helper()
	a, err := app.New(pool, app.Config{SweepBatchSize: batch, SweepWorkers: workers, Now: func() time.Time { return now }})
	require.NoError(t, err)
	return a
}

// finalState is a run as the assertions need it.
type finalState struct {
	id                    int64
	status, outcome, kase string
	rec                   *domain.Reconciliation
}

func readRuns(t testing.TB, pool *pgxpool.Pool, ws int64) []finalState {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT id, status, outcome, coalesce(context->>'case', ''), context->'reconciliation'
		FROM operation_runs WHERE workspace_id = $1 ORDER BY id`, ws)
	require.NoError(t, err)
	defer rows.Close()
	var out []finalState
	for rows.Next() {
		var s finalState
		var rec []byte
		require.NoError(t, rows.Scan(&s.id, &s.status, &s.outcome, &s.kase, &rec))
		if rec != nil {
			s.rec = &domain.Reconciliation{}
			require.NoError(t, json.Unmarshal(rec, s.rec))
			prooftest.RequireReconciliationKeys(t, []byte(`{"reconciliation":`+string(rec)+`}`))
		}
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

func auditCounts(t testing.TB, pool *pgxpool.Pool) (completions map[int64]int, rewrites int) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT run_id, event FROM audit`)
	require.NoError(t, err)
	defer rows.Close()
	completions = map[int64]int{}
	for rows.Next() {
		var id int64
		var event string
		require.NoError(t, rows.Scan(&id, &event))
		if event == "completed" {
			completions[id]++
		} else {
			rewrites++
		}
	}
	require.NoError(t, rows.Err())
	return completions, rewrites
}

// TestThreeSweepersWithJobCompletions runs three sweepers at once over 5,400
// stale runs of every family while jobs complete some of those runs
// themselves and an operator reconciles others by hand: each stale run is
// finalized exactly once, with the outcome its proof dictates, and fresh and
// job-completed runs are never touched.
func TestThreeSweepersWithJobCompletions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedFixture(t, pool, 5400, now)
	installAudit(t, pool)
	before := readRuns(t, pool, f.ws)

	var staleIDs []int64
	for _, r := range before {
		if r.kase != "" {
			staleIDs = append(staleIDs, r.id)
		}
	}
	require.Len(t, staleIDs, f.stale)
	jobDone, manual := map[int64]bool{}, map[int64]bool{}
	for n, i := range rand.Perm(len(staleIDs))[:600] {
		if n < 300 {
			jobDone[staleIDs[i]] = true
		} else {
			manual[staleIDs[i]] = true
		}
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]app.SweepResult, 3)
	for i := range results {
		s := newSweeper(t, pool, now, 250, 2)
		wg.Go(func() {
			<-start
			res, err := s.Sweep(ctx, app.SweepOptions{})
			assert.NoError(t, err)
			results[i] = res
		})
	}
	// The jobs of 300 stale runs finish on their own, as the sweep runs. A
	// well-behaved job only completes a run that is still open.
	wg.Go(func() {
		<-start
		for id := range jobDone {
			_, err := pool.Exec(ctx, `UPDATE operation_runs SET status = 'completed', outcome = 'succeeded', completed_at = now()
				WHERE id = $1 AND status <> 'completed'`, id)
			assert.NoError(t, err)
		}
	})
	// An operator reconciles 300 other stale runs by hand meanwhile, newest
	// first, so that the sweepers (oldest first) meet them halfway.
	byHandOrder := slices.Sorted(maps.Keys(manual))
	slices.Reverse(byHandOrder)
	wg.Go(func() {
		<-start
		byHand := newSweeper(t, pool, now, 1, 1)
		for _, id := range byHandOrder {
			_, err := byHand.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: f.ws, RunID: id, Subject: "operator"})
			assert.NoError(t, err)
		}
	})
	close(start)
	wg.Wait()

	completions, rewrites := auditCounts(t, pool)
	require.Zero(t, rewrites, "no completed run is ever written again")
	finalizedBySweep := 0
	for _, r := range results {
		finalizedBySweep += r.Finalized
		// Claimed rows are locked until their batch commits: nothing can
		// change one between its claim and its guarded write.
		require.Zero(t, r.Skipped, "claims hold their rows")
	}

	after := readRuns(t, pool, f.ws)
	require.Len(t, after, len(before))
	bySweep, byHand := 0, 0
	for i, r := range after {
		was := before[i]
		if r.kase == "" {
			require.Equal(t, was, r, "fresh or job-completed run %d untouched", r.id)
			require.Zero(t, completions[r.id])
			continue
		}
		require.Equal(t, "completed", r.status, "stale run %d finalized", r.id)
		require.Equal(t, 1, completions[r.id], "stale run %d completed exactly once", r.id)
		if r.rec == nil {
			require.True(t, jobDone[r.id], "only a job completes without a reconciliation")
			require.Equal(t, "succeeded", r.outcome)
			continue
		}
		want := sweepCases[r.kase]
		require.Equal(t, want.outcome, r.outcome, "run %d (%s)", r.id, r.kase)
		require.Equal(t, want.reason, r.rec.ReasonCode, "run %d (%s)", r.id, r.kase)
		if r.rec.Source == "manual" {
			require.True(t, manual[r.id], "only the operator's runs are finalized by hand")
			require.Equal(t, "operator", r.rec.Actor)
			byHand++
			continue
		}
		bySweep++
		require.Equal(t, domain.SourceSweep, r.rec.Source)
		require.Equal(t, "system", r.rec.Actor)
		wantPrevious := domain.StatusRunning
		if r.kase == "restore_queued" {
			wantPrevious = domain.StatusQueued
		}
		require.Equal(t, wantPrevious, r.rec.PreviousStatus)
		require.NotEmpty(t, r.rec.Explanation)
	}
	require.Equal(t, bySweep, finalizedBySweep, "the sweepers' counts match what they wrote")
	require.Greater(t, bySweep, f.stale-600-1)
	t.Logf("finalized: %d by the sweepers, %d by hand", bySweep, byHand)
}

func TestSweepSummaryAndDryRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedFixture(t, pool, 90, now)
	s := newSweeper(t, pool, now, 1000, 2)
	before := readRuns(t, pool, f.ws)

	dry, err := s.Sweep(ctx, app.SweepOptions{DryRun: true, WorkspaceID: &f.ws})
	require.NoError(t, err)
	require.Equal(t, 90, dry.Claimed)
	require.Zero(t, dry.Finalized)
	require.Equal(t, before, readRuns(t, pool, f.ws), "a dry run writes nothing")

	res, err := s.Sweep(ctx, app.SweepOptions{WorkspaceID: &f.ws})
	require.NoError(t, err)
	require.Equal(t, 90, res.Finalized)
	require.Equal(t, dry.Counts, res.Counts, "the dry run predicted the real one")
	inv := domain.FamilyInventorySync
	require.Equal(t, 20, res.Counts[app.DecisionKey{Family: inv, Decision: domain.DecisionFinalized, Outcome: domain.OutcomeSucceeded}]+
		res.Counts[app.DecisionKey{Family: inv, Decision: domain.DecisionFinalized, Outcome: domain.OutcomePartiallySucceeded}])
	require.Equal(t, 10, res.Counts[app.DecisionKey{Family: inv, Decision: domain.DecisionNotReconciled, Outcome: domain.OutcomeFailed}])
	require.Equal(t, 10, res.Counts[app.DecisionKey{Family: "policy.sync", Decision: domain.DecisionUnsupportedFamily, Outcome: domain.OutcomeFailed}])

	again, err := s.Sweep(ctx, app.SweepOptions{WorkspaceID: &f.ws})
	require.NoError(t, err)
	require.Zero(t, again.Claimed, "nothing left to sweep")
}

// A dry run takes no row lock: it judges a run another transaction holds
// instead of skipping it, and others can lock the runs it is judging. Its
// transaction is read-only, so a write slipped into it would be refused.
func TestDryRunLocksNothingAndCannotWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedFixture(t, pool, 9, now)

	holder, err := pool.Begin(ctx) // a job or sweeper in the middle of one stale run
	require.NoError(t, err)
	defer holder.Rollback(ctx)
	var held int64
	require.NoError(t, holder.QueryRow(ctx, `SELECT id FROM operation_runs
		WHERE workspace_id = $1 AND status <> 'completed' ORDER BY id LIMIT 1 FOR UPDATE`, f.ws).Scan(&held))

	s := newSweeper(t, pool, now, 1000, 1)
	var lockErr, writeErr error
	app.SetAfterClaim(s, func(ctx context.Context, tx repo.DBTX) {
		rows, err := pool.Query(ctx, `SELECT id FROM operation_runs
			WHERE workspace_id = $1 AND id <> $2 AND status <> 'completed' FOR UPDATE NOWAIT`, f.ws, held)
		if err == nil {
			rows.Close()
			err = rows.Err()
		}
		lockErr = err
		_, err = tx.Exec(ctx, `SAVEPOINT probe`)
		require.NoError(t, err)
		_, writeErr = tx.Exec(ctx, `UPDATE operation_runs SET initiator = initiator WHERE id = $1`, held)
		_, err = tx.Exec(ctx, `ROLLBACK TO SAVEPOINT probe`)
		require.NoError(t, err)
	})
	lockedCtx, cancel := context.WithTimeout(ctx, 10*time.Second) // a dry run waiting on the held row fails, not hangs
	defer cancel()
	dry, err := s.Sweep(lockedCtx, app.SweepOptions{DryRun: true, WorkspaceID: &f.ws})
	require.NoError(t, err)
	require.Equal(t, f.stale, dry.Claimed, "the held run is judged, not skipped")
	require.NoError(t, lockErr, "the dry run's runs stay free to lock")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, writeErr, &pgErr)
	require.Equal(t, "25006", pgErr.Code, "read_only_sql_transaction")
}

func TestWorkspaceFilter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedFixture(t, pool, 18, now)
	other := f.ws + 1000
	res, err := newSweeper(t, pool, now, 10, 1).Sweep(ctx, app.SweepOptions{WorkspaceID: &other})
	require.NoError(t, err)
	require.Zero(t, res.Claimed)
	res, err = newSweeper(t, pool, now, 10, 1).Sweep(ctx, app.SweepOptions{WorkspaceID: &f.ws})
	require.NoError(t, err)
	require.Equal(t, 18, res.Finalized)
	require.Equal(t, 2, res.Batches)
}
