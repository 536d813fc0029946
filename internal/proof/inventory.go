package proof

import (
	"cmp"
	"encoding/json"

	"github.com/jackc/pgx/v5"
)

// CoverageStatus is the status of one policy type in an inventory run's
// coverage; CoverageNone when the type has no (recognizable) entry.
type CoverageStatus string

// Coverage statuses of CONTRACT §3.
const (
	CoverageNone      CoverageStatus = ""
	CoverageSucceeded CoverageStatus = "succeeded"
	CoverageFailed    CoverageStatus = "failed"
	CoverageSkipped   CoverageStatus = "skipped"
	CoverageBlocked   CoverageStatus = "blocked"
)

// TypeCoverage is what an inventory run claims for one attempted policy type.
type TypeCoverage struct {
	Type      string
	Status    CoverageStatus
	ItemCount int64
	// Code is the entry's error_code (failed) or reason_code (skipped,
	// blocked), as written; empty when it has none.
	Code string
}

// InventoryClaims is the inventory section of a run's context.
type InventoryClaims struct {
	// Present: the context holds an inventory object.
	Present bool
	// Types lists each attempted type once, in the order attempted, with
	// its coverage. Coverage of types not attempted is ignored.
	Types         []TypeCoverage
	BlockedReason Reason
}

// InventoryProof is an inventory.sync run's claims and the inventory items
// last seen by the run, counted inside and outside its scope.
type InventoryProof struct {
	Claims             InventoryClaims
	ObservedInScope    int64
	ObservedOutOfScope int64
}

// ParseInventoryClaims reads the inventory section of a run context; it never
// fails (see the package's leniency rule).
func ParseInventoryClaims(context json.RawMessage) InventoryClaims {
	inv := parseValue(context).field("inventory")
	if !inv.is('{') {
		return InventoryClaims{}
	}
	c := InventoryClaims{Present: true}
	var attempted, coverage jsonValue
	for k, v := range inv.members() {
		switch {
		case keyIs(k, "attempted_types"):
			attempted = v
		case keyIs(k, "coverage"):
			coverage = v
		case keyIs(k, "blocked_reason"):
			c.BlockedReason = readReason(v)
		}
	}
	for raw := range attempted.elements() {
		t, ok := raw.str()
		if !ok || t == "" || containsType(c.Types, t) {
			continue
		}
		c.Types = append(c.Types, readCoverage(t, coverage.field(t)))
	}
	return c
}

func containsType(types []TypeCoverage, t string) bool {
	for _, x := range types {
		if x.Type == t {
			return true
		}
	}
	return false
}

func readCoverage(t string, entry jsonValue) TypeCoverage {
	tc := TypeCoverage{Type: t}
	var status, errCode, reasonCode string
	for k, v := range entry.members() {
		switch {
		case keyIs(k, "status"):
			status = readString(v)
		case keyIs(k, "item_count"):
			tc.ItemCount = readCount(v)
		case keyIs(k, "error_code"):
			errCode = readString(v)
		case keyIs(k, "reason_code"):
			reasonCode = readString(v)
		}
	}
	switch s := CoverageStatus(status); s {
	case CoverageSucceeded, CoverageFailed, CoverageSkipped, CoverageBlocked:
		tc.Status = s
	}
	if tc.Status == CoverageFailed {
		tc.Code = cmp.Or(errCode, reasonCode)
	} else {
		tc.Code = cmp.Or(reasonCode, errCode)
	}
	return tc
}

// inventoryLoader counts, per run, the inventory items it last saw, grouped
// by the items' scope.
type inventoryLoader struct {
	reqs []Request
	out  []Proof
	runs runIndex
}

func newInventoryLoader(reqs []Request, out []Proof) *inventoryLoader {
	l := &inventoryLoader{reqs: reqs, out: out, runs: runIndex{}}
	proofs := make([]InventoryProof, 0, countKind(reqs, KindInventory))
	for i, rq := range reqs {
		if rq.Kind != KindInventory {
			continue
		}
		proofs = append(proofs, InventoryProof{Claims: ParseInventoryClaims(rq.Run.Context)})
		out[i].Inventory = &proofs[len(proofs)-1]
		l.runs.add(rq.Run.ID, i)
	}
	return l
}

// inventorySQL groups the items last seen by the runs by run and scope: a
// handful of rows per run, read from the index on last_seen_operation_run_id.
const inventorySQL = `SELECT last_seen_operation_run_id, workspace_id, managed_environment_id, count(*)
	FROM inventory_items
	WHERE last_seen_operation_run_id = ANY($1)
	GROUP BY 1, 2, 3`

func (l *inventoryLoader) queue(b *pgx.Batch) {
	if len(l.runs) == 0 {
		return
	}
	b.Queue(inventorySQL, l.runs.ids()).Query(func(rows pgx.Rows) error {
		var run, ws, env, n int64
		_, err := pgx.ForEachRow(rows, []any{&run, &ws, &env, &n}, func() error {
			for _, i := range l.runs[run] {
				p := l.out[i].Inventory
				if ScopeOf(l.reqs[i].Run).Contains(ws, env) {
					p.ObservedInScope += n
				} else {
					p.ObservedOutOfScope += n
				}
			}
			return nil
		})
		return err
	})
}

func countKind(reqs []Request, k Kind) int {
	n := 0
	for _, rq := range reqs {
		if rq.Kind == k {
			n++
		}
	}
	return n
}
