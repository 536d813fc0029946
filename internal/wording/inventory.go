package wording

import (
	"strconv"
	"strings"
)

// Inventory is what an inventory sync's decision counted: its attempted
// policy types by coverage status, the items it observed in scope, and the
// codes the job gave for the types that did not succeed.
type Inventory struct {
	Attempted, Succeeded, Failed, Skipped, Blocked, NotReached int64
	ItemsObserved                                              int64
	// The codes of the failed, skipped and blocked types, as written.
	FailedCodes, SkippedCodes, BlockedCodes []string
}

// inventoryFromCounts reads an inventory sync's figures from its summary
// counts: the keys its decision writes (attempted, succeeded, failed,
// skipped, blocked, not_reached, items_observed). ok is false without
// "attempted".
func inventoryFromCounts(c counts) (inv Inventory, ok bool) {
	return Inventory{Attempted: c.get("attempted"), Succeeded: c.get("succeeded"), Failed: c.get("failed"), Skipped: c.get("skipped"),
		Blocked: c.get("blocked"), NotReached: c.get("not_reached"), ItemsObserved: c.get("items_observed")}, c.has("attempted")
}

func types(n int64) string { return plural(n, "policy type", "policy types") }

// complete reports that every attempted type succeeded.
func (inv Inventory) complete() bool { return inv.Attempted > 0 && inv.Succeeded == inv.Attempted }

// figures are the inventory's figures, most telling first: for a complete
// sync its types and items ("3 policy types", "22 items"), else the types
// that did not succeed ("1 of 3 policy types failed", "1 not reached"); a
// sentence adds their codes.
func (inv Inventory) figures(st style) []string {
	switch {
	case inv.complete():
		return []string{types(inv.Attempted), st.count(inv.ItemsObserved, "item", "items")}
	case inv.Attempted == 0:
		return []string{st.count(0, "policy type", "policy types") + " attempted"}
	}
	var out []string
	for _, g := range [...]struct {
		n     int64
		label string
		codes []string
	}{
		{inv.Failed, "failed", inv.FailedCodes},
		{inv.Skipped, "skipped", inv.SkippedCodes},
		{inv.Blocked, "blocked", inv.BlockedCodes},
		{inv.NotReached, "not reached", nil},
	} {
		if g.n == 0 {
			continue
		}
		s := strconv.FormatInt(g.n, 10) + " " + g.label
		if len(out) == 0 {
			s = strconv.FormatInt(g.n, 10) + " of " + types(inv.Attempted) + " " + g.label
		}
		if st == inSentence {
			s += codeList(g.codes)
		}
		out = append(out, s)
	}
	if len(out) == 0 { // counts that do not add up, written by a job
		return []string{strconv.FormatInt(inv.Succeeded, 10) + " of " + types(inv.Attempted) + " succeeded"}
	}
	return out
}

func (inv Inventory) sentence() string { return strings.Join(inv.figures(inSentence), ", ") }

// InventoryComplete explains an inventory sync where every attempted
// policy type succeeded.
func InventoryComplete(inv Inventory) string {
	f := inv.figures(inSentence)
	return "Inventory captured in full: " + f[0] + " succeeded, with " + f[1] + " observed."
}

// InventoryPartial explains an inventory sync where some policy types
// succeeded and others did not.
func InventoryPartial(inv Inventory) string {
	return "Inventory partly captured: " + inv.sentence() + "; " + strconv.FormatInt(inv.Succeeded, 10) + " succeeded."
}

// InventoryBlocked explains an inventory sync that was blocked, with the
// job's blocked reason code when it gave one.
func InventoryBlocked(inv Inventory, reasonCode string) string {
	head := "Inventory blocked" + parenCode(reasonCode)
	if inv.Attempted == 0 {
		return head + " with " + inv.sentence() + "."
	}
	return head + ": " + inv.sentence() + "."
}

// InventoryFailed explains an inventory sync where no policy type succeeded
// and some failed.
func InventoryFailed(inv Inventory) string {
	return "Inventory not captured: " + inv.sentence() + "."
}

// InventoryUnproven explains an inventory sync whose outcome the proof
// cannot settle; recorded is false when the run recorded no inventory
// progress at all.
func InventoryUnproven(inv Inventory, recorded bool) string {
	switch {
	case !recorded:
		return "No inventory outcome can be proven: the run recorded no inventory progress, " +
			"so 0 policy types were attempted and no blocked reason was given."
	case inv.Attempted == 0:
		return "No inventory outcome can be proven: 0 policy types were attempted and no blocked reason was given."
	}
	return "No inventory outcome can be proven: " + inv.sentence() + ", and no blocked reason was given."
}

// InventoryOutOfScope explains items last seen by the run that lie in
// another workspace or environment.
func InventoryOutOfScope(items int64) string {
	return "Inventory proof lies outside this run's scope: " + plural(items, "item", "items") +
		" last seen by this run " + belongs(items) + " to another workspace or environment."
}

// InventoryUnverified explains succeeded policy types that claim items no
// in-scope observation confirms.
func InventoryUnverified(claimed int64) string {
	return "The run claims " + plural(claimed, "inventory item", "inventory items") +
		" for its succeeded policy types, but 0 items last seen by this run were found in its scope."
}
