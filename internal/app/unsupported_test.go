package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/reconcile"
)

func TestUnsupportedFamiliesAreNeverFinalizedByAnAdapter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	for _, typ := range []string{string(domain.FamilyPolicySync), string(domain.FamilyBackupSetUpdate), string(domain.FamilyRestoreExecute),
		string(domain.FamilyReviewPackGenerate), "something.new", "Inventory.Sync", "inventory.sync "} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, proof.KindNone, reconcile.ProofKind(domain.Run{Type: typ, Status: domain.StatusRunning}), "no proof to load")
			// Proof that would finalize an inventory run: an unsupported family must not be decided from it.
			s := scene{t: t, b: b, typ: typ}
			run := observed(inventoryCtx([]string{"deviceConfiguration"}, obj{"deviceConfiguration": ok(2)}, nil))(s)

			for _, dry := range []bool{false, true} {
				res, err := b.reconcileAs(ctx, member, run, dry)
				require.NoError(t, err)
				require.Equal(t, domain.DecisionUnsupportedFamily, res.Decision.Kind)
				require.Equal(t, reconcile.ReasonUnsupported, res.Decision.ReasonCode)
				require.Nil(t, res.Decision.Outcome)
				require.False(t, res.Applied)
				requireCalmSentence(t, res.Decision)
			}
			require.Equal(t, run, prooftest.Get(t, b.pool, b.w.WS, run.ID), "never written")

			ds, err := app.Decide(ctx, b.pool, run)
			require.NoError(t, err)
			require.Equal(t, domain.DecisionUnsupportedFamily, ds[0].Kind)
			_, err = app.Finalize(ctx, b.pool, time.Now(), []domain.Run{run}, ds, domain.SourceSweep)
			require.ErrorIs(t, err, app.ErrNotFinalized)
			require.Equal(t, run, prooftest.Get(t, b.pool, b.w.WS, run.ID))
		})
	}
}

// TestSweepPathInATransaction runs a sweep batch on runs locked in a
// transaction: they are decided together, unsupported and not_reconciled
// ones go down the generic stale path, and all are written in one statement.
func TestSweepPathInATransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	inv := scene{t: t, b: b, typ: "intune.inventory.sync"}
	runs := []domain.Run{
		partialInventory(inv),
		observed(obj{})(inv), // proof.missing
		withItemsIn(observed(inventoryCtx([]string{"a"}, obj{"a": ok(1)}, nil)), otherWorkspace, 1)(inv), // scope mismatch
		observed(obj{})(scene{t: t, b: b, typ: "policy.sync"}),
	}
	tx, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT id FROM operation_runs WHERE id = ANY($1) ORDER BY id FOR UPDATE`, []int64{runs[0].ID, runs[1].ID, runs[2].ID, runs[3].ID})
	require.NoError(t, err)

	decisions, err := app.Decide(ctx, tx, runs...)
	require.NoError(t, err)
	want := []struct {
		kind   domain.DecisionKind
		reason string
	}{
		{domain.DecisionFinalized, reconcile.ReasonInventoryPartial},
		{domain.DecisionNotReconciled, reconcile.ReasonMissing},
		{domain.DecisionNotReconciled, reconcile.ReasonScopeMismatch},
		{domain.DecisionUnsupportedFamily, reconcile.ReasonUnsupported},
	}
	finals := make([]domain.Decision, len(runs))
	for i, d := range decisions {
		require.Equal(t, want[i].kind, d.Kind, i)
		require.Equal(t, want[i].reason, d.ReasonCode, i)
		finals[i] = reconcile.StalePath(d, runs[i])
		requireCalmSentence(t, finals[i])
	}
	require.Equal(t, reconcile.ReasonInventoryPartial, finals[0].ReasonCode, "a finalized decision passes StalePath unchanged")
	require.Equal(t, reconcile.ReasonMissing, finals[1].ReasonCode, "the adapter's reason is kept")
	require.Equal(t, "No proof of completed work was found, so this stale run was closed as failed; "+
		"inventory proof lies outside this run's scope: 1 item last seen by this run belongs to another workspace or environment.", finals[2].Explanation)
	require.Equal(t, reconcile.ReasonStale, finals[3].ReasonCode)
	require.Regexp(t, `^No proof of completed work was found, so this stale run was closed as failed; `+
		`it started at [0-9]{2}:[0-9]{2} UTC on .+ and sent no heartbeat\.$`, finals[3].Explanation)

	written, err := app.Settle(ctx, b.app, tx, runs, time.Now())
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	wantOutcome := []domain.Outcome{"partially_succeeded", "failed", "failed", "failed"}
	wantAdapter := []string{"inventory.sync/v1", "generic/v1", "generic/v1", "generic/v1"}
	require.Len(t, written, len(runs), "every run written")
	for i, run := range runs {
		require.Equal(t, app.DecisionKey{Family: run.Family(), Decision: want[i].kind, Outcome: wantOutcome[i]}, written[i], i)
		got := prooftest.Get(t, b.pool, run.WorkspaceID, run.ID)
		require.Equal(t, wantOutcome[i], got.Outcome, i)
		rec := reconciliationOf(t, got)
		require.Equal(t, domain.SourceSweep, rec.Source)
		require.Equal(t, "system", rec.Actor)
		require.Equal(t, wantAdapter[i], rec.Adapter)
		require.Equal(t, finals[i].ReasonCode, rec.ReasonCode)
	}

	again, err := app.Decide(ctx, b.pool, prooftest.Get(t, b.pool, b.w.WS, runs[0].ID))
	require.NoError(t, err)
	require.Equal(t, domain.DecisionAlreadyTerminal, again[0].Kind, "a completed run in a batch is already terminal")
}
