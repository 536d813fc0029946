package reconcile_test

import (
	"encoding/json"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/wording"
	"github.com/runproof/runproof/internal/wording/wordingtest"
)

// finalizedFixture is proof that finalizes a run of its family.
type finalizedFixture struct {
	name   string
	family domain.Family
	proof  proof.Proof
}

func inventoryProof(observed int64, blocked proof.Reason, types ...proof.TypeCoverage) proof.Proof {
	return proof.Proof{Inventory: &proof.InventoryProof{ObservedInScope: observed,
		Claims: proof.InventoryClaims{Present: true, Types: types, BlockedReason: blocked}}}
}

func coverage(status proof.CoverageStatus, items int64, code string) proof.TypeCoverage {
	return proof.TypeCoverage{Type: "policyType", Status: status, ItemCount: items, Code: code}
}

func snapshot(items, gaps int64) proof.Snapshot {
	return proof.Snapshot{ID: 91, WorkspaceID: 1, EnvironmentID: 2, ProfileID: 7, RunID: 42, ItemCount: items, GapCount: gaps, InScope: true}
}

// baselineProof names the snapshot when there is one; claims set the rest.
func baselineProof(s *proof.Snapshot, claims proof.BaselineClaims, failures int) proof.Proof {
	p := &proof.BaselineProof{Claims: claims, Failures: proof.Failures{Count: failures, FirstCode: "snapshot_write_failed"}}
	p.Claims.ProfileID = proof.Pointer{ID: 7, Given: true}
	if s != nil {
		p.Claims.SnapshotID = proof.Pointer{ID: s.ID, Given: true}
		p.Pointed, p.Candidates = s, []proof.Snapshot{*s}
	}
	return proof.Proof{Baseline: p}
}

func backupSet(status string, expected, captured, failed, assignmentsMissing int64) *proof.BackupSet {
	return &proof.BackupSet{ID: 55, WorkspaceID: 1, EnvironmentID: 2, ScheduleID: 3, RunID: 42, Status: status,
		Expected: expected, Captured: captured, Failed: failed, AssignmentsMissing: assignmentsMissing, InScope: true}
}

// backupProof names the set when there is one; claims set the rest.
func backupProof(set *proof.BackupSet, claims proof.BackupClaims, failures int) proof.Proof {
	p := &proof.BackupProof{Claims: claims, Failures: proof.Failures{Count: failures, FirstCode: "graph_request_failed"}}
	p.Claims.ScheduleID = proof.Pointer{ID: 3, Given: true}
	if set != nil {
		p.Claims.SetID = proof.Pointer{ID: set.ID, Given: true}
		p.Pointed, p.Candidates = set, []proof.BackupSet{*set}
	}
	return proof.Proof{Backup: p}
}

func finalizedFixtures() []finalizedFixture {
	inv, base, bak := domain.FamilyInventorySync, domain.FamilyBaselineCapture, domain.FamilyBackupScheduleExecute
	ok, failed, skipped, blocked := proof.CoverageSucceeded, proof.CoverageFailed, proof.CoverageSkipped, proof.CoverageBlocked
	noReason := proof.Reason{}
	reason := proof.Reason{Set: true, Code: "provider_connection_missing"}
	otherProfile := snapshot(48, 0)
	otherProfile.ProfileID = 8
	otherSchedule := backupSet("completed", 5, 5, 0, 0)
	otherSchedule.ScheduleID = 4
	return []finalizedFixture{
		{"inventory complete", inv, inventoryProof(22, noReason, coverage(ok, 12, ""), coverage(ok, 6, ""), coverage(ok, 4, ""))},
		{"inventory complete, nothing to observe", inv, inventoryProof(0, noReason, coverage(ok, 0, ""))},
		{"inventory partial", inv, inventoryProof(8, noReason, coverage(ok, 8, ""), coverage(failed, 0, "graph_throttled"), coverage("", 0, ""))},
		{"inventory partial, many codes", inv, inventoryProof(1, noReason, coverage(ok, 1, ""), coverage(failed, 0, "c1"),
			coverage(failed, 0, "c2"), coverage(failed, 0, "c3"), coverage(failed, 0, "c4"), coverage(skipped, 0, "{free text}"))},
		{"inventory blocked before anything", inv, inventoryProof(0, reason)},
		{"inventory blocked, nothing covered", inv, inventoryProof(0, reason, coverage("", 0, ""), coverage("", 0, ""))},
		{"inventory blocked, every type reasoned", inv, inventoryProof(0, noReason, coverage(skipped, 0, "provider_permission_missing"),
			coverage(blocked, 0, "license_missing"))},
		{"inventory failed", inv, inventoryProof(0, noReason, coverage(failed, 0, "graph_unavailable"), coverage(failed, 0, "graph_throttled"))},
		{"inventory failed, one skipped", inv, inventoryProof(0, noReason, coverage(failed, 0, "graph_unavailable"), coverage(skipped, 0, ""))},

		{"baseline captured", base, baselineProof(new(snapshot(48, 0)), proof.BaselineClaims{}, 0)},
		{"baseline captured, empty", base, baselineProof(new(snapshot(0, 0)), proof.BaselineClaims{}, 0)},
		{"baseline gaps", base, baselineProof(new(snapshot(45, 3)), proof.BaselineClaims{}, 0)},
		{"baseline gaps, the run's count is larger", base, baselineProof(new(snapshot(45, 2)), proof.BaselineClaims{GapCount: 5}, 0)},
		{"baseline metadata fallbacks", base, baselineProof(new(snapshot(48, 0)), proof.BaselineClaims{MetaFallbackCount: 1}, 0)},
		{"baseline gaps and metadata fallbacks", base, baselineProof(new(snapshot(47, 1)), proof.BaselineClaims{MetaFallbackCount: 2}, 2)},
		{"baseline blocked", base, baselineProof(nil, proof.BaselineClaims{EligibilityBlocked: true, EligibilityCode: "inventory_not_ready"}, 0)},
		{"baseline blocked with failures", base, baselineProof(nil, proof.BaselineClaims{EligibilityBlocked: true}, 2)},
		{"baseline failed", base, baselineProof(nil, proof.BaselineClaims{}, 1)},
		{"baseline failed, pointer to a missing snapshot", base, baselineProof(nil,
			proof.BaselineClaims{SnapshotID: proof.Pointer{ID: 987, Given: true}}, 1)},
		{"baseline failed, malformed pointer", base, baselineProof(nil, proof.BaselineClaims{SnapshotID: proof.Pointer{Given: true, Malformed: true}}, 3)},
		{"baseline failed, the only snapshot is of another profile", base, proof.Proof{Baseline: &proof.BaselineProof{
			Claims:     proof.BaselineClaims{ProfileID: proof.Pointer{ID: 7, Given: true}},
			Failures:   proof.Failures{Count: 1},
			Candidates: []proof.Snapshot{otherProfile}}}},

		{"backup complete", bak, backupProof(backupSet("completed", 5, 5, 0, 0), proof.BackupClaims{}, 0)},
		{"backup complete, one item", bak, backupProof(backupSet("running", 1, 1, 0, 0), proof.BackupClaims{}, 0)},
		{"backup complete, empty set", bak, backupProof(backupSet("completed", 0, 0, 0, 0), proof.BackupClaims{}, 0)},
		{"backup complete, the run reported failures", bak, backupProof(backupSet("completed", 5, 5, 0, 0), proof.BackupClaims{}, 1)},
		{"backup partial", bak, backupProof(backupSet("running", 5, 4, 1, 1), proof.BackupClaims{}, 0)},
		{"backup partial, fewer captured", bak, backupProof(backupSet("running", 5, 2, 0, 0), proof.BackupClaims{}, 0)},
		{"backup partial, assignments missing", bak, backupProof(backupSet("completed", 2, 2, 0, 2), proof.BackupClaims{}, 0)},
		{"backup skipped, no set", bak, backupProof(nil, proof.BackupClaims{SkipReason: proof.Reason{Set: true, Code: "schedule_disabled"}}, 0)},
		{"backup skipped, items failed", bak, backupProof(backupSet("failed", 2, 0, 2, 0),
			proof.BackupClaims{SkipReason: proof.Reason{Set: true, Code: "schedule_lock_held"}}, 1)},
		{"backup failed", bak, backupProof(backupSet("failed", 2, 0, 2, 0), proof.BackupClaims{}, 0)},
		{"backup failed, no set", bak, backupProof(nil, proof.BackupClaims{}, 1)},
		{"backup failed, pointer to a set of another schedule", bak, proof.Proof{Backup: &proof.BackupProof{
			Claims:   proof.BackupClaims{ScheduleID: proof.Pointer{ID: 3, Given: true}, SetID: proof.Pointer{ID: 55, Given: true}},
			Failures: proof.Failures{Count: 2, FirstCode: "graph_request_failed"}, Pointed: otherSchedule}}},
	}
}

// TestSummaryShowsTheExplanationsFigures runs each adapter on fixtures of
// every finalizing rule, stores the run as a finalization would (completed,
// its summary_counts the job's merged with the decision's), and checks
// that the hub summary shows the same figures as the explanation, and
// nothing the job wrote beside them.
func TestSummaryShowsTheExplanationsFigures(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	env := int64(2)
	job := map[string]int64{"job_counter": 7, "devices_skipped": 2, "failed": 99, "captured": 99}
	reasons := map[string]bool{}
	for _, f := range finalizedFixtures() {
		t.Run(f.name, func(t *testing.T) {
			a, ok := reconcile.AdapterFor(string(f.family))
			require.True(t, ok)
			run := domain.Run{ID: 42, WorkspaceID: 1, EnvironmentID: &env, Type: string(f.family), Status: domain.StatusRunning,
				Outcome: domain.OutcomePending, CreatedAt: now.Add(-3 * time.Hour)}
			d := a.Decide(run, f.proof)
			require.True(t, d.Finalizes(), "%s: %s", d.Kind, d.Explanation)
			reasons[d.ReasonCode] = true

			stored := run
			counts := map[string]int64{}
			maps.Copy(counts, job)
			maps.Copy(counts, d.Summary)
			raw, err := json.Marshal(counts)
			require.NoError(t, err)
			completedAt := now.Add(-time.Hour)
			stored.Status, stored.Outcome, stored.CompletedAt, stored.SummaryCounts = domain.StatusCompleted, *d.Outcome, &completedAt, raw
			summary := wording.Summary(stored, now)
			require.Regexp(t, `^`+wording.FamilyName(f.family)+` · `, summary)
			wordingtest.RequireSameFigures(t, summary, d.Explanation)
		})
	}
	require.Equal(t, map[string]bool{
		reconcile.ReasonInventoryComplete: true, reconcile.ReasonInventoryPartial: true, reconcile.ReasonInventoryBlocked: true,
		reconcile.ReasonInventoryFailed: true, reconcile.ReasonBaselineCaptured: true, reconcile.ReasonBaselineGaps: true,
		reconcile.ReasonBaselineMetaFallback: true, reconcile.ReasonBaselineBlocked: true, reconcile.ReasonBaselineFailed: true,
		reconcile.ReasonBackupComplete: true, reconcile.ReasonBackupPartial: true, reconcile.ReasonBackupSkipped: true,
		reconcile.ReasonBackupFailed: true,
	}, reasons, "every finalizing rule has a fixture")
}

// TestEveryBlockedReasonHasItsOwnNextAction keeps the next-action labels of
// blocked runs in step with the reason codes that block them.
func TestEveryBlockedReasonHasItsOwnNextAction(t *testing.T) {
	t.Parallel()
	generic := wording.BlockedLabel("")
	seen := map[string]bool{}
	for _, code := range []string{reconcile.ReasonInventoryBlocked, reconcile.ReasonBaselineBlocked, reconcile.ReasonBackupSkipped} {
		label := wording.BlockedLabel(code)
		require.NotEqual(t, generic, label, code)
		require.False(t, seen[label], "%s shares its label", code)
		seen[label] = true
	}
}
