package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/reconcile"
)

// partialInventory is a stale inventory run whose proof makes it partially
// succeeded: 1 of 2 types succeeded with its 3 items observed.
func partialInventory(s scene) domain.Run {
	r := s.run(inventoryCtx([]string{"deviceConfiguration", "compliancePolicy"},
		obj{"deviceConfiguration": ok(3), "compliancePolicy": failedWith("graph_throttled")}, nil), nil)
	prooftest.Items(s.t, s.b.pool, s.b.w.WS, s.b.w.Env, r.ID, "deviceConfiguration", 3)
	return s.reread(r)
}

func reconciliationOf(t *testing.T, r domain.Run) *domain.Reconciliation {
	t.Helper()
	var c struct {
		Reconciliation *domain.Reconciliation `json:"reconciliation"`
	}
	require.NoError(t, json.Unmarshal(r.Context, &c))
	if c.Reconciliation != nil {
		prooftest.RequireReconciliationKeys(t, r.Context)
	}
	return c.Reconciliation
}

func TestReconcileCallerChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	s := scene{t: t, b: b, typ: string(domain.FamilyInventorySync)}

	t.Run("unknown run and run of another workspace are not found", func(t *testing.T) {
		run := partialInventory(s)
		_, err := b.app.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: b.w.OtherWS, RunID: run.ID, Subject: member})
		require.ErrorIs(t, err, domain.ErrNotFound)
		_, err = b.app.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: b.w.WS, RunID: run.ID + 1_000_000, Subject: member})
		require.ErrorIs(t, err, domain.ErrNotFound)
	})
	t.Run("completed run is already terminal", func(t *testing.T) {
		run := prooftest.InsertRun(t, b.pool, prooftest.Run{WS: b.w.WS, Env: &b.w.Env, Type: "inventory.sync", Status: "completed", Outcome: "cancelled"})
		res, err := b.reconcileAs(ctx, member, run, false)
		require.NoError(t, err)
		require.Equal(t, domain.DecisionAlreadyTerminal, res.Decision.Kind)
		require.Equal(t, domain.OutcomeCancelled, *res.Decision.Outcome)
		require.Equal(t, reconcile.ReasonAlreadyTerminal, res.Decision.ReasonCode)
		require.Regexp(t, `^Run [0-9]+ already completed at [0-9]{2}:[0-9]{2} UTC on .* \(outcome: cancelled\); nothing was changed\.$`, res.Decision.Explanation)
		requireCalmSentence(t, res.Decision)
		require.False(t, res.Applied)
		require.Equal(t, run, res.Run.Run)
	})
	t.Run("fresh run is not stale, a dry run still evaluates", func(t *testing.T) {
		run := prooftest.InsertRun(t, b.pool, prooftest.Run{WS: b.w.WS, Env: &b.w.Env, Type: "inventory_sync",
			Started: time.Now().Add(-10 * time.Minute), Context: inventoryCtx([]string{}, obj{}, "provider_connection_missing")})
		res, err := b.reconcileAs(ctx, member, run, false)
		require.NoError(t, err)
		require.Equal(t, domain.DecisionNotStale, res.Decision.Kind)
		require.Equal(t, reconcile.ReasonNotStale, res.Decision.ReasonCode)
		require.Contains(t, res.Decision.Explanation, "is not stale yet: no heartbeat for 10 minutes, and inventory sync runs go stale after 30 minutes; nothing was changed.")
		requireCalmSentence(t, res.Decision)
		require.False(t, res.Applied)

		dry, err := b.reconcileAs(ctx, member, run, true)
		require.NoError(t, err)
		require.Equal(t, domain.DecisionFinalized, dry.Decision.Kind)
		require.Equal(t, domain.OutcomeBlocked, *dry.Decision.Outcome)
		require.True(t, dry.DryRun)
		require.False(t, dry.Applied)
		require.Equal(t, run, prooftest.Get(t, b.pool, b.w.WS, run.ID), "a dry run never writes")
	})
	t.Run("queued run within the queued threshold", func(t *testing.T) {
		run := prooftest.InsertRun(t, b.pool, prooftest.Run{WS: b.w.WS, Env: &b.w.Env, Type: "inventory.sync", Status: "queued",
			Started: time.Now().Add(-5 * time.Minute)})
		res, err := b.reconcileAs(ctx, member, run, false)
		require.NoError(t, err)
		require.Equal(t, domain.DecisionNotStale, res.Decision.Kind)
		require.Contains(t, res.Decision.Explanation, "is not stale yet: queued for 5 minutes without starting, and queued runs go stale after 15 minutes;")
		requireCalmSentence(t, res.Decision)
	})
	t.Run("stale dry run evaluates and never writes", func(t *testing.T) {
		run := partialInventory(s)
		res, err := b.reconcileAs(ctx, member, run, true)
		require.NoError(t, err)
		require.Equal(t, domain.OutcomePartiallySucceeded, *res.Decision.Outcome)
		require.False(t, res.Applied)
		require.Equal(t, run, prooftest.Get(t, b.pool, b.w.WS, run.ID))
	})
	t.Run("applied once, then already terminal", func(t *testing.T) {
		run := partialInventory(s)
		first, err := b.reconcileAs(ctx, "alice", run, false)
		require.NoError(t, err)
		require.True(t, first.Applied)
		require.Equal(t, domain.OutcomePartiallySucceeded, first.Run.Outcome)
		rec := reconciliationOf(t, first.Run.Run)
		require.NotNil(t, rec)
		require.Equal(t, "alice", rec.Actor, "the member is recorded")
		require.Equal(t, domain.SourceManual, rec.Source)
		require.Empty(t, rec.Note)

		again, err := b.reconcileAs(ctx, "bob", run, false)
		require.NoError(t, err)
		require.False(t, again.Applied)
		require.Equal(t, domain.DecisionAlreadyTerminal, again.Decision.Kind)
		require.Equal(t, first.Run, again.Run, "repeating the call changes nothing")
	})
}

func TestReconcileJudgesAgainAfterALateProofWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	s := scene{t: t, b: b, typ: string(domain.FamilyBaselineCapture)}

	t.Run("finalizes on the new proof", func(t *testing.T) {
		run := baselineRun{snapshots: []snap{{where: inScope, items: 48}}, pointTo: -1}.setup(s)
		rec := newApp(t, b.pool)
		var seen []domain.Decision
		app.SetBeforeWrite(rec, func(ctx context.Context, r domain.Run, d domain.Decision) {
			seen = append(seen, d)
			if len(seen) == 1 {
				_, err := b.pool.Exec(ctx, `UPDATE baseline_snapshots SET gap_count = 4 WHERE operation_run_id = $1`, r.ID)
				require.NoError(t, err)
			}
		})
		res, err := rec.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: b.w.WS, RunID: run.ID, Subject: member})
		require.NoError(t, err)
		require.Len(t, seen, 2, "judged twice")
		require.Equal(t, domain.OutcomeSucceeded, *seen[0].Outcome, "the first judgement saw no gaps")
		require.True(t, res.Applied)
		require.Equal(t, domain.OutcomePartiallySucceeded, *res.Decision.Outcome)
		require.Equal(t, domain.OutcomePartiallySucceeded, res.Run.Outcome)
		require.Contains(t, reconciliationOf(t, res.Run.Run).Explanation, "4 gaps")
	})
	t.Run("new proof that fails closed is not written", func(t *testing.T) {
		run := partialInventory(scene{t: t, b: b, typ: string(domain.FamilyInventorySync)})
		rec := newApp(t, b.pool)
		calls := 0
		app.SetBeforeWrite(rec, func(ctx context.Context, r domain.Run, _ domain.Decision) {
			calls++
			prooftest.Items(t, b.pool, b.w.OtherWS, b.w.OtherWSEnv, r.ID, "deviceConfiguration", 1)
		})
		res, err := rec.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: b.w.WS, RunID: run.ID, Subject: member})
		require.NoError(t, err)
		require.Equal(t, 1, calls)
		require.False(t, res.Applied)
		require.Equal(t, reconcile.ReasonScopeMismatch, res.Decision.ReasonCode)
		require.Equal(t, domain.StatusRunning, prooftest.Get(t, b.pool, b.w.WS, run.ID).Status)
	})
	t.Run("a job completing meanwhile wins", func(t *testing.T) {
		run := partialInventory(scene{t: t, b: b, typ: string(domain.FamilyInventorySync)})
		rec := newApp(t, b.pool)
		app.SetBeforeWrite(rec, func(ctx context.Context, r domain.Run, _ domain.Decision) {
			_, err := b.pool.Exec(ctx, `UPDATE operation_runs SET status = 'completed', outcome = 'succeeded', completed_at = now() WHERE id = $1`, r.ID)
			require.NoError(t, err)
		})
		res, err := rec.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: b.w.WS, RunID: run.ID, Subject: member})
		require.NoError(t, err)
		require.False(t, res.Applied)
		require.Equal(t, domain.DecisionAlreadyTerminal, res.Decision.Kind)
		require.Equal(t, domain.OutcomeSucceeded, *res.Decision.Outcome)
		require.Equal(t, domain.OutcomeSucceeded, res.Run.Outcome)
		require.Nil(t, reconciliationOf(t, res.Run.Run))
	})
	t.Run("proof that keeps changing ends in a conflict", func(t *testing.T) {
		run := partialInventory(scene{t: t, b: b, typ: string(domain.FamilyInventorySync)})
		rec := newApp(t, b.pool)
		calls := 0
		app.SetBeforeWrite(rec, func(ctx context.Context, r domain.Run, _ domain.Decision) {
			calls++
			prooftest.Items(t, b.pool, b.w.WS, b.w.Env, r.ID, "deviceConfiguration", 1)
		})
		_, err := rec.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: b.w.WS, RunID: run.ID, Subject: member})
		require.ErrorIs(t, err, domain.ErrConflict)
		require.Equal(t, 3, calls, "3 attempts")
		require.Equal(t, domain.StatusRunning, prooftest.Get(t, b.pool, b.w.WS, run.ID).Status)
	})
}

// A manual reconcile reads the run once, with the member's access, and
// judges that row: a run that is not stale costs that one query, and a
// finalization adds the proof and the guarded write (and, until the write
// returns the row it wrote, one read of it).
func TestReconcileReadsTheRunOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := dbtest.NewWithURL(t)
	pool, counter := prooftest.CountingPool(t, url)
	b := newHarness(t, pool)
	fresh := prooftest.InsertRun(t, pool, prooftest.Run{WS: b.w.WS, Env: &b.w.Env, Type: "inventory.sync", Started: time.Now()})
	stale := partialInventory(scene{t: t, b: b, typ: string(domain.FamilyInventorySync)})

	counter.Reset()
	res, err := b.reconcileAs(ctx, member, fresh, false)
	require.NoError(t, err)
	require.Equal(t, domain.DecisionNotStale, res.Decision.Kind)
	require.Equal(t, int64(1), counter.RoundTrips(), "the member's read is judged as is")

	counter.Reset()
	res, err = b.reconcileAs(ctx, member, stale, false)
	require.NoError(t, err)
	require.True(t, res.Applied)
	require.Equal(t, int64(3), counter.RoundTrips(), "read, proof, and the write that returns the row")
}
