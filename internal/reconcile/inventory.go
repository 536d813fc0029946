package reconcile

import (
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/wording"
)

// inventoryAdapter decides inventory.sync runs (docs/contract.md, section
// 4.3) from their coverage claims and the inventory items they last saw.
type inventoryAdapter struct{}

// Family implements Adapter.
func (inventoryAdapter) Family() domain.Family { return domain.FamilyInventorySync }

// Version implements Adapter.
func (inventoryAdapter) Version() string { return adapterInventory }

// inventoryTally counts the attempted policy types by coverage status.
type inventoryTally struct {
	attempted, succeeded, failed, skipped, blocked, notReached int64
	// claimed is the item_count total of the succeeded types.
	claimed int64
	// allReasoned: every attempted type is skipped or blocked with a code.
	allReasoned bool
}

func tallyInventory(c proof.InventoryClaims) inventoryTally {
	t := inventoryTally{attempted: int64(len(c.Types)), allReasoned: len(c.Types) > 0}
	for _, tc := range c.Types {
		switch tc.Status {
		case proof.CoverageSucceeded:
			t.succeeded++
			t.claimed += tc.ItemCount
		case proof.CoverageFailed:
			t.failed++
		case proof.CoverageSkipped:
			t.skipped++
		case proof.CoverageBlocked:
			t.blocked++
		default:
			t.notReached++
		}
		if (tc.Status != proof.CoverageSkipped && tc.Status != proof.CoverageBlocked) || tc.Code == "" {
			t.allReasoned = false
		}
	}
	return t
}

// Decide applies the inventory rules in order: observations out of scope,
// claims without observations, then succeeded, partially succeeded, blocked,
// failed, and proof.missing for anything else.
func (a inventoryAdapter) Decide(_ domain.Run, p proof.Proof) domain.Decision {
	ip := p.Inventory
	if ip == nil {
		ip = &proof.InventoryProof{}
	}
	c := ip.Claims
	t := tallyInventory(c)
	prf := map[string]any{
		"attempted":          t.attempted,
		"succeeded":          t.succeeded,
		"failed":             t.failed,
		"skipped":            t.skipped,
		"blocked":            t.blocked,
		"not_reached":        t.notReached,
		"items_claimed":      t.claimed,
		"items_observed":     ip.ObservedInScope,
		"items_out_of_scope": ip.ObservedOutOfScope,
	}
	if c.BlockedReason.Set {
		prf["blocked_reason"] = wording.SafeCode(c.BlockedReason.Code)
	}
	w := t.words(c, ip)

	var d domain.Decision
	switch {
	case ip.ObservedOutOfScope > 0:
		d = notReconciled(ReasonScopeMismatch, wording.InventoryOutOfScope(ip.ObservedOutOfScope), prf, nil)
	case t.claimed > 0 && ip.ObservedInScope == 0:
		d = notReconciled(ReasonUnverified, wording.InventoryUnverified(t.claimed), prf, nil)
	case t.succeeded > 0 && t.succeeded == t.attempted:
		d = finalized(domain.OutcomeSucceeded, ReasonInventoryComplete, wording.InventoryComplete(w), prf, nil, t.summary(ip))
	case t.succeeded > 0:
		d = finalized(domain.OutcomePartiallySucceeded, ReasonInventoryPartial, wording.InventoryPartial(w), prf, nil, t.summary(ip))
	case c.BlockedReason.Set || t.allReasoned:
		code := ""
		if c.BlockedReason.Set {
			code = c.BlockedReason.Code
		}
		d = finalized(domain.OutcomeBlocked, ReasonInventoryBlocked, wording.InventoryBlocked(w, code), prf, nil, t.summary(ip))
	case t.failed > 0:
		d = finalized(domain.OutcomeFailed, ReasonInventoryFailed, wording.InventoryFailed(w), prf, nil, t.summary(ip))
	default:
		d = notReconciled(ReasonMissing, wording.InventoryUnproven(w, c.Present), prf, nil)
	}
	d.Adapter = a.Version()
	return d
}

// words are the tally's figures for the explanation, with the codes of the
// types that did not succeed.
func (t inventoryTally) words(c proof.InventoryClaims, ip *proof.InventoryProof) wording.Inventory {
	w := wording.Inventory{Attempted: t.attempted, Succeeded: t.succeeded, Failed: t.failed, Skipped: t.skipped,
		Blocked: t.blocked, NotReached: t.notReached, ItemsObserved: ip.ObservedInScope}
	for _, tc := range c.Types {
		switch tc.Status {
		case proof.CoverageFailed:
			w.FailedCodes = append(w.FailedCodes, tc.Code)
		case proof.CoverageSkipped:
			w.SkippedCodes = append(w.SkippedCodes, tc.Code)
		case proof.CoverageBlocked:
			w.BlockedCodes = append(w.BlockedCodes, tc.Code)
		case proof.CoverageSucceeded, proof.CoverageNone: // no code to explain
		}
	}
	return w
}

func (t inventoryTally) summary(ip *proof.InventoryProof) map[string]int64 {
	return map[string]int64{
		"attempted":      t.attempted,
		"succeeded":      t.succeeded,
		"failed":         t.failed,
		"skipped":        t.skipped,
		"blocked":        t.blocked,
		"not_reached":    t.notReached,
		"items_observed": ip.ObservedInScope,
	}
}
