package reconcile_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/reconcile"
)

// BenchmarkDecide measures one adapter decision from loaded proof: the
// sweeper's per-run CPU cost once the proof is in memory.
func BenchmarkDecide(b *testing.B) {
	env := int64(2)
	run := domain.Run{ID: 42, WorkspaceID: 1, EnvironmentID: &env, Status: "running", CreatedAt: time.Now()}

	types := make([]proof.TypeCoverage, 12)
	for i := range types {
		types[i] = proof.TypeCoverage{Type: "policyType" + strconv.Itoa(i), Status: proof.CoverageSucceeded, ItemCount: 40}
	}
	types[9] = proof.TypeCoverage{Type: "policyType9", Status: proof.CoverageFailed, Code: "graph_throttled"}
	types[10] = proof.TypeCoverage{Type: "policyType10", Status: proof.CoverageSkipped, Code: "provider_permission_missing"}
	types[11] = proof.TypeCoverage{Type: "policyType11"}
	inventory := proof.Proof{Inventory: &proof.InventoryProof{
		Claims:          proof.InventoryClaims{Present: true, Types: types},
		ObservedInScope: 360,
	}}

	snapshot := proof.Snapshot{ID: 91, WorkspaceID: 1, EnvironmentID: env, ProfileID: 7, RunID: 42, ItemCount: 120, GapCount: 3, InScope: true}
	baseline := proof.Proof{Baseline: &proof.BaselineProof{
		Claims: proof.BaselineClaims{ProfileID: proof.Pointer{ID: 7, Given: true},
			SnapshotID: proof.Pointer{ID: 91, Given: true}, GapCount: 3},
		Pointed:    &snapshot,
		Candidates: []proof.Snapshot{snapshot},
	}}

	set := proof.BackupSet{ID: 55, WorkspaceID: 1, EnvironmentID: env, ScheduleID: 3, RunID: 42, Status: "running",
		Expected: 25, Captured: 22, Failed: 2, AssignmentsMissing: 1, InScope: true}
	backup := proof.Proof{Backup: &proof.BackupProof{
		Claims:     proof.BackupClaims{ScheduleID: proof.Pointer{ID: 3, Given: true}, SetID: proof.Pointer{ID: 55, Given: true}},
		Pointed:    &set,
		Candidates: []proof.BackupSet{set},
	}}

	for _, bc := range []struct {
		family string
		p      proof.Proof
	}{
		{string(domain.FamilyInventorySync), inventory},
		{string(domain.FamilyBaselineCapture), baseline},
		{string(domain.FamilyBackupScheduleExecute), backup},
	} {
		b.Run(bc.family, func(b *testing.B) {
			a, _ := reconcile.AdapterFor(bc.family)
			r := run
			r.Type = bc.family
			b.ReportAllocs()
			for b.Loop() {
				if d := a.Decide(r, bc.p); d.Kind != domain.DecisionFinalized {
					b.Fatalf("decision %s: %s", d.Kind, d.Explanation)
				}
			}
		})
	}
}
