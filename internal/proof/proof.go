// Package proof is the recorded proof that runproof decides stale runs
// from: what each run's context claims, parsed here, and the artifacts
// (inventory observations, baseline snapshots, backup sets) tied to it,
// which repo.ProofLoad reads for a whole batch of runs at once.
package proof

import "github.com/runproof/runproof/internal/domain"

// Kind names the proof a run's family needs; the family registry maps
// families to kinds.
type Kind uint8

// The proof kinds. KindNone loads nothing (unsupported families).
const (
	KindNone Kind = iota
	KindInventory
	KindBaseline
	KindBackup
)

// Request asks for the proof of kind Kind of one run.
type Request struct {
	Run  domain.Run
	Kind Kind
}

// Proof is everything recorded about one run for its kind; exactly the
// field of the requested kind is set (none for KindNone).
type Proof struct {
	Inventory *InventoryProof
	Baseline  *BaselineProof
	Backup    *BackupProof
}
