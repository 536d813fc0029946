package reconcile

import (
	"strconv"
	"strings"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
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
		prf["blocked_reason"] = safeCode(c.BlockedReason.Code)
	}
	figures := strconv.FormatInt(t.succeeded, 10) + " of " + plural(t.attempted, "policy type", "policy types") + " succeeded"

	var d domain.Decision
	switch {
	case ip.ObservedOutOfScope > 0:
		d = notReconciled(ReasonScopeMismatch, "Inventory proof lies outside this run's scope: "+
			plural(ip.ObservedOutOfScope, "item", "items")+" last seen by this run "+belongs(ip.ObservedOutOfScope)+" to another workspace or environment.", prf, nil)
	case t.claimed > 0 && ip.ObservedInScope == 0:
		d = notReconciled(ReasonUnverified, "Inventory claims "+plural(t.claimed, "item", "items")+
			" for its succeeded policy types, but 0 items last seen by this run were found in its scope.", prf, nil)
	case t.succeeded > 0 && t.succeeded == t.attempted:
		d = finalized(domain.OutcomeSucceeded, ReasonInventoryComplete, "Inventory captured in full: "+figures+
			", with "+plural(ip.ObservedInScope, "item", "items")+" observed.", prf, nil, t.summary(ip))
	case t.succeeded > 0:
		d = finalized(domain.OutcomePartiallySucceeded, ReasonInventoryPartial, "Inventory partly captured: "+figures+
			t.rest(c)+".", prf, nil, t.summary(ip))
	case c.BlockedReason.Set || t.allReasoned:
		head := "Inventory blocked"
		if c.BlockedReason.Set {
			head += parenCode(c.BlockedReason.Code)
		}
		d = finalized(domain.OutcomeBlocked, ReasonInventoryBlocked, head+": "+figures+t.rest(c)+".", prf, nil, t.summary(ip))
	case t.failed > 0:
		d = finalized(domain.OutcomeFailed, ReasonInventoryFailed, "Inventory failed: "+figures+t.rest(c)+".", prf, nil, t.summary(ip))
	case !c.Present:
		d = notReconciled(ReasonMissing, "No inventory outcome can be proven: the run recorded no inventory progress, "+
			"so 0 policy types were attempted and no blocked reason was given.", prf, nil)
	case t.attempted == 0:
		d = notReconciled(ReasonMissing, "No inventory outcome can be proven: 0 policy types were attempted "+
			"and no blocked reason was given.", prf, nil)
	default:
		d = notReconciled(ReasonMissing, "No inventory outcome can be proven: "+figures+t.rest(c)+
			", and no blocked reason was given.", prf, nil)
	}
	d.Adapter = a.Version()
	return d
}

// rest lists the types that did not succeed, e.g. "; 1 failed
// (graph_throttled), 1 not reached", or "" when there are none.
func (t inventoryTally) rest(c proof.InventoryClaims) string {
	var parts [4]string
	n := 0
	for _, g := range [...]struct {
		status proof.CoverageStatus
		count  int64
		label  string
	}{
		{proof.CoverageFailed, t.failed, " failed"},
		{proof.CoverageSkipped, t.skipped, " skipped"},
		{proof.CoverageBlocked, t.blocked, " blocked"},
		{proof.CoverageNone, t.notReached, " not reached"},
	} {
		if g.count == 0 {
			continue
		}
		var codes codeList
		if g.status != proof.CoverageNone {
			for _, tc := range c.Types {
				if tc.Status == g.status {
					codes.add(tc.Code)
				}
			}
		}
		parts[n] = strconv.FormatInt(g.count, 10) + g.label + codes.paren()
		n++
	}
	if n == 0 {
		return ""
	}
	return "; " + strings.Join(parts[:n], ", ")
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

// parenCode returns " (code)" for a safe code, " (unrecognized code)" for
// another string and "" for none.
func parenCode(code string) string {
	if c := safeCode(code); c != "" {
		return " (" + c + ")"
	}
	return ""
}
