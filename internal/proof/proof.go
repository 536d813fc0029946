// Package proof loads the recorded proof that runproof decides stale runs
// from: what each run's context claims, and the artifacts (inventory
// observations, baseline snapshots, backup sets) tied to it, for a whole
// batch of runs in one round trip of at most one query per artifact kind.
package proof

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

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

// Load reads the proof of every request, set-based: it parses each run's
// context and failures in Go and sends one batch (one round trip) with at
// most one query per artifact kind present, whatever the number of runs.
// Artifacts tied to a run but outside its scope are loaded too, marked, so
// that deciders can fail closed. Malformed context is never an error: a
// value of the wrong JSON type reads as absent or malformed. The result has
// one Proof per request, in order. It returns only database errors; run it
// in the transaction that holds the runs' locks when there is one.
func Load(ctx context.Context, db repo.DBTX, reqs []Request) ([]Proof, error) {
	out := make([]Proof, len(reqs))
	inv := newInventoryLoader(reqs, out)
	base := newBaselineLoader(reqs, out)
	bak := newBackupLoader(reqs, out)

	b := &pgx.Batch{}
	inv.queue(b)
	base.queue(b)
	bak.queue(b)
	if b.Len() == 0 {
		return out, nil
	}
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("load proof: %w", err)
	}
	return out, nil
}

// runIndex maps a run id to the positions of the requests for it (normally
// one; a run requested twice gets its proof twice).
type runIndex map[int64][]int

func (ix runIndex) add(id int64, i int) { ix[id] = append(ix[id], i) }

// ids returns the distinct ids of the index.
func (ix runIndex) ids() []int64 {
	ids := make([]int64, 0, len(ix))
	for id := range ix {
		ids = append(ids, id)
	}
	return ids
}
