package repo_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/repo"
)

func TestProofLoadReadsEveryKindInOneRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := dbtest.NewWithURL(t)
	pool, counter := prooftest.CountingPool(t, url)
	w := prooftest.NewWorld(t, pool)
	env := &w.Env

	// Inventory: items in scope, in another environment and in another workspace.
	inv := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: env, Type: "inventory.sync",
		Context: `{"inventory": {"attempted_types": ["a", "b", "a", 7], "coverage": {"a": {"status": "succeeded", "item_count": 4},
			"b": {"status": "failed", "error_code": "graph_throttled"}, "c": {"status": "succeeded"}},
			"blocked_reason": {"reason_code": "x"}}}`})
	prooftest.Items(t, pool, w.WS, w.Env, inv.ID, "a", 4)
	prooftest.Items(t, pool, w.WS, w.OtherEnv, inv.ID, "a", 2)
	prooftest.Items(t, pool, w.OtherWS, w.OtherWSEnv, inv.ID, "b", 1)
	invQuiet := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: env, Type: "inventory.sync"})

	// Baseline: a pointer to a snapshot of another run, plus a candidate of its own.
	base := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: env, Type: "baseline.capture"})
	other := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: env, Type: "baseline.capture"})
	pointed := prooftest.InsertSnapshot(t, pool, prooftest.Snapshot{WS: w.WS, Env: w.Env, Profile: w.Profile, Run: other.ID, Items: 9, Gaps: 1})
	own := prooftest.InsertSnapshot(t, pool, prooftest.Snapshot{WS: w.OtherWS, Env: w.OtherWSEnv, Profile: w.OtherWSProfile, Run: base.ID})
	_, err := pool.Exec(ctx, `UPDATE operation_runs SET context = jsonb_build_object('baseline_capture',
		jsonb_build_object('baseline_snapshot_id', $2::bigint, 'baseline_profile_id', $3::bigint, 'gaps', jsonb_build_object('count', 2)))
		WHERE id = $1`, base.ID, pointed, w.Profile)
	require.NoError(t, err)
	base = prooftest.Get(t, pool, w.WS, base.ID)

	// Backup: a set of its own with items counted.
	bak := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: env, Type: "backup.schedule.execute",
		Context:  `{"backup_schedule_id": "3", "backup_schedule": {"skip_reason": {"reason_code": "schedule_disabled"}}}`,
		Failures: `[{"message": "no code"}, {"code": "graph_forbidden"}]`})
	set := prooftest.InsertSet(t, pool, prooftest.Set{WS: w.WS, Env: w.Env, Schedule: w.Schedule, Run: bak.ID, Status: "running", Expected: 5})
	prooftest.BackupItems(t, pool, set, "captured", "captured", 2)
	prooftest.BackupItems(t, pool, set, "captured", "missing", 1)
	prooftest.BackupItems(t, pool, set, "failed", "failed", 1)
	prooftest.BackupItems(t, pool, set, "skipped", "not_applicable", 1)
	unsupported := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: env, Type: "policy.sync"})

	reqs := []proof.Request{
		{Run: inv, Kind: proof.KindInventory},
		{Run: invQuiet, Kind: proof.KindInventory},
		{Run: base, Kind: proof.KindBaseline},
		{Run: bak, Kind: proof.KindBackup},
		{Run: unsupported, Kind: proof.KindNone},
		{Run: inv, Kind: proof.KindInventory}, // the same run twice gets its proof twice
	}
	counter.Reset()
	got, err := repo.ProofLoad(ctx, pool, reqs)
	require.NoError(t, err)
	require.Equal(t, int64(3), counter.Queries(), "one query per artifact kind")
	require.Equal(t, int64(1), counter.RoundTrips(), "sent as one batch")
	require.Len(t, got, len(reqs))

	ip := got[0].Inventory
	require.NotNil(t, ip)
	require.Nil(t, got[0].Baseline)
	require.Equal(t, int64(4), ip.ObservedInScope)
	require.Equal(t, int64(3), ip.ObservedOutOfScope, "another environment and another workspace")
	require.Equal(t, []proof.TypeCoverage{
		{Type: "a", Status: proof.CoverageSucceeded, ItemCount: 4},
		{Type: "b", Status: proof.CoverageFailed, Code: "graph_throttled"},
	}, ip.Claims.Types, "attempted types once each, non-strings dropped, unattempted coverage ignored")
	require.Equal(t, proof.Reason{Set: true, Code: "x"}, ip.Claims.BlockedReason)
	require.Equal(t, *ip, *got[5].Inventory)
	require.Equal(t, proof.InventoryProof{}, *got[1].Inventory, "no context, no items")

	bp := got[2].Baseline
	require.NotNil(t, bp)
	require.Equal(t, proof.Pointer{ID: pointed, Given: true}, bp.Claims.SnapshotID)
	require.Equal(t, int64(2), bp.Claims.GapCount)
	require.Equal(t, &proof.Snapshot{ID: pointed, WorkspaceID: w.WS, EnvironmentID: w.Env, ProfileID: w.Profile,
		RunID: other.ID, ItemCount: 9, GapCount: 1, InScope: true}, bp.Pointed)
	require.Equal(t, []proof.Snapshot{{ID: own, WorkspaceID: w.OtherWS, EnvironmentID: w.OtherWSEnv,
		ProfileID: w.OtherWSProfile, RunID: base.ID}}, bp.Candidates, "the out-of-scope candidate is visible, marked")

	kp := got[3].Backup
	require.NotNil(t, kp)
	require.Equal(t, proof.Pointer{Given: true, Malformed: true}, kp.Claims.ScheduleID, "a string is not an id")
	require.False(t, kp.Claims.SetID.Given)
	require.Equal(t, proof.Reason{Set: true, Code: "schedule_disabled"}, kp.Claims.SkipReason)
	require.Equal(t, proof.Failures{Count: 2, FirstCode: "graph_forbidden"}, kp.Failures)
	require.Nil(t, kp.Pointed)
	require.Equal(t, []proof.BackupSet{{ID: set, WorkspaceID: w.WS, EnvironmentID: w.Env, ScheduleID: w.Schedule,
		RunID: bak.ID, Status: "running", Expected: 5, Captured: 3, Failed: 1, AssignmentsMissing: 2, InScope: true}}, kp.Candidates)

	require.Equal(t, proof.Proof{}, got[4])

	counter.Reset()
	none, err := repo.ProofLoad(ctx, pool, []proof.Request{{Run: unsupported}})
	require.NoError(t, err)
	require.Equal(t, []proof.Proof{{}}, none)
	require.Zero(t, counter.Queries(), "nothing to read, no query")
}

func TestProofLoadScopesARunWithoutEnvironment(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	w := prooftest.NewWorld(t, pool)
	run := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Type: "inventory.sync"})
	prooftest.Items(t, pool, w.WS, w.Env, run.ID, "a", 2)
	got, err := repo.ProofLoad(context.Background(), pool, []proof.Request{{Run: run, Kind: proof.KindInventory}})
	require.NoError(t, err)
	require.Equal(t, int64(0), got[0].Inventory.ObservedInScope)
	require.Equal(t, int64(2), got[0].Inventory.ObservedOutOfScope, "a run without environment owns no environment's items")
}

func TestProofLoadReturnsDatabaseErrors(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	w := prooftest.NewWorld(t, pool)
	run := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Type: "inventory.sync"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := repo.ProofLoad(ctx, pool, []proof.Request{{Run: run, Kind: proof.KindInventory}})
	require.ErrorIs(t, err, context.Canceled)
}
