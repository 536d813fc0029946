package proof

import (
	"cmp"
	"encoding/json"
)

// CoverageStatus is the status of one policy type in an inventory run's
// coverage; CoverageNone when the type has no (recognizable) entry.
type CoverageStatus string

// The coverage statuses a job may write for a policy type
// (docs/contract.md, inventory.sync).
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
	default: // missing or unknown: the type stays CoverageNone
	}
	if tc.Status == CoverageFailed {
		tc.Code = cmp.Or(errCode, reasonCode)
	} else {
		tc.Code = cmp.Or(reasonCode, errCode)
	}
	return tc
}
