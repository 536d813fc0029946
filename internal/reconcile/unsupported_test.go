package reconcile_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

func TestUnsupportedFamiliesAreNeverFinalizedByAnAdapter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	for _, typ := range []string{string(domain.FamilyPolicySync), string(domain.FamilyBackupSetUpdate), string(domain.FamilyRestoreExecute),
		string(domain.FamilyReviewPackGenerate), "something.new", "Inventory.Sync", "inventory.sync "} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			_, supported := reconcile.AdapterFor(typ)
			require.False(t, supported)
			// Proof that would finalize an inventory run: an unsupported family must not be decided from it.
			s := scene{t: t, b: b, typ: typ}
			run := observed(inventoryCtx([]string{"deviceConfiguration"}, obj{"deviceConfiguration": ok(2)}, nil))(s)

			for _, dry := range []bool{false, true} {
				res, err := b.rec.Reconcile(ctx, reconcile.Request{WorkspaceID: b.w.WS, RunID: run.ID, DryRun: dry})
				require.NoError(t, err)
				require.Equal(t, domain.DecisionUnsupportedFamily, res.Decision.Kind)
				require.Equal(t, reconcile.ReasonUnsupported, res.Decision.ReasonCode)
				require.Nil(t, res.Decision.Outcome)
				require.False(t, res.Applied)
				requireCalmSentence(t, res.Decision)
			}
			require.Equal(t, run, prooftest.Get(t, b.pool, b.w.WS, run.ID), "never written")

			ds, err := reconcile.DecideBatch(ctx, b.pool, []domain.Run{run})
			require.NoError(t, err)
			require.Equal(t, domain.DecisionUnsupportedFamily, ds[0].Kind)
			_, err = reconcile.FinalizeBatch(ctx, b.pool, time.Now(), []reconcile.Finalization{{Run: run, Decision: ds[0], Source: domain.SourceSweep}})
			require.ErrorIs(t, err, reconcile.ErrNotFinalized)
			require.Equal(t, run, prooftest.Get(t, b.pool, b.w.WS, run.ID))
		})
	}
}

// TestSweepPathInATransaction runs the sweeper's calls the way it will: lock
// a batch of stale runs, decide them together, send unsupported and
// not_reconciled ones down the generic stale path, write in one statement.
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

	decisions, err := reconcile.DecideBatch(ctx, tx, runs)
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
	fs := make([]reconcile.Finalization, len(runs))
	for i, d := range decisions {
		require.Equal(t, want[i].kind, d.Kind, i)
		require.Equal(t, want[i].reason, d.ReasonCode, i)
		d = reconcile.StalePath(d, runs[i])
		requireCalmSentence(t, d)
		fs[i] = reconcile.Finalization{Run: runs[i], Decision: d, Source: domain.SourceSweep}
	}
	require.Equal(t, reconcile.ReasonInventoryPartial, fs[0].Decision.ReasonCode, "a finalized decision passes StalePath unchanged")
	require.Equal(t, reconcile.ReasonMissing, fs[1].Decision.ReasonCode, "the adapter's reason is kept")
	require.Equal(t, "No proof of completed work was found, so this stale run was closed as failed; "+
		"inventory proof lies outside this run's scope: 1 item last seen by this run belongs to another workspace or environment.", fs[2].Decision.Explanation)
	require.Equal(t, reconcile.ReasonStale, fs[3].Decision.ReasonCode)
	require.Regexp(t, `^No proof of completed work was found, so this stale run was closed as failed; `+
		`it started at [0-9]{2}:[0-9]{2} UTC on .+ and sent no heartbeat\.$`, fs[3].Decision.Explanation)

	written, err := reconcile.FinalizeBatch(ctx, tx, time.Now(), fs)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	wantOutcome := []domain.Outcome{"partially_succeeded", "failed", "failed", "failed"}
	wantAdapter := []string{"inventory.sync/v1", "generic/v1", "generic/v1", "generic/v1"}
	for i, w := range written {
		require.Equal(t, repo.FinalizeWritten, w.Status, i)
		got := prooftest.Get(t, b.pool, fs[i].Run.WorkspaceID, w.RunID)
		require.Equal(t, wantOutcome[i], got.Outcome, i)
		rec := reconciliationOf(t, got)
		require.Equal(t, domain.SourceSweep, rec.Source)
		require.Equal(t, "system", rec.Actor)
		require.Equal(t, wantAdapter[i], rec.Adapter)
		require.Equal(t, fs[i].Decision.ReasonCode, rec.ReasonCode)
	}

	again, err := reconcile.DecideBatch(ctx, b.pool, []domain.Run{prooftest.Get(t, b.pool, b.w.WS, runs[0].ID)})
	require.NoError(t, err)
	require.Equal(t, domain.DecisionAlreadyTerminal, again[0].Kind, "a completed run in a batch is already terminal")
}

func TestFamiliesDescribeEveryRule(t *testing.T) {
	t.Parallel()
	fams := reconcile.Families()
	byName := map[domain.Family]reconcile.FamilyInfo{}
	for _, f := range fams {
		byName[f.Family] = f
		for _, r := range f.Rules {
			require.NotEmpty(t, r.Rule)
			require.Contains(t, []string{"succeeded", "partially_succeeded", "blocked", "failed", "not_reconciled"}, r.Outcome)
		}
	}
	require.Len(t, fams, 7)
	for _, f := range fams {
		require.NotEmpty(t, f.Name, f.Family)
		require.Equal(t, f.Name, reconcile.FamilyName(f.Family))
	}
	require.Equal(t, "Scheduled backup", reconcile.FamilyName("backup.schedule.execute"))
	require.Equal(t, "Custom job", reconcile.FamilyName("custom.job"), "an unknown type is named from its type string")
	for family, aliases := range map[domain.Family][]string{
		"inventory.sync":          {"intune.inventory.sync", "inventory_sync"},
		"baseline.capture":        {"baseline_capture", "intune.baseline.capture"},
		"backup.schedule.execute": {"backup.schedule.run", "backup_schedule_run"},
	} {
		f := byName[family]
		require.True(t, f.Supported, family)
		require.Equal(t, string(family)+"/v1", f.Adapter)
		require.Equal(t, aliases, f.Aliases)
		outcomes := map[string]bool{}
		for _, r := range f.Rules {
			outcomes[r.Outcome] = true
		}
		require.Len(t, outcomes, 5, "%s has a rule for every outcome", family)
		for _, alias := range aliases {
			a, ok := reconcile.AdapterFor(alias)
			require.True(t, ok)
			require.Equal(t, family, a.Family())
		}
	}
	for _, family := range []domain.Family{"policy.sync", "backup_set.update", "restore.execute", "review_pack.generate"} {
		require.False(t, byName[family].Supported, family)
		require.Empty(t, byName[family].Adapter)
		require.NotNil(t, byName[family].Aliases)
	}
}
