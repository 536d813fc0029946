package proof

import "encoding/json"

// BaselineClaims is the baseline_capture section of a run's context.
type BaselineClaims struct {
	ProfileID  Pointer
	SnapshotID Pointer
	// EligibilityBlocked: eligibility.status is "blocked";
	// EligibilityCode is eligibility.reason_code, possibly empty.
	EligibilityBlocked bool
	EligibilityCode    string
	// GapCount is gaps.count; MetaFallbackCount is meta_fallback_count.
	GapCount          int64
	MetaFallbackCount int64
}

// Snapshot is a baseline_snapshots row tied to a run, by pointer or by
// operation_run_id. InScope says whether it lies in the run's scope.
type Snapshot struct {
	ID            int64
	WorkspaceID   int64
	EnvironmentID int64
	ProfileID     int64
	// RunID is operation_run_id, 0 when NULL.
	RunID     int64
	ItemCount int64
	GapCount  int64
	InScope   bool
}

// BaselineProof is a baseline.capture run's claims, failures and snapshots.
type BaselineProof struct {
	Claims   BaselineClaims
	Failures Failures
	// Pointed is the snapshot Claims.SnapshotID names, in whatever scope;
	// nil when there is no pointer or no such snapshot.
	Pointed *Snapshot
	// Candidates are the snapshots whose operation_run_id is the run, in
	// any scope, by id.
	Candidates []Snapshot
}

// ParseBaselineClaims reads the baseline_capture section of a run context;
// it never fails (see the package's leniency rule).
func ParseBaselineClaims(context json.RawMessage) BaselineClaims {
	bc := parseValue(context).field("baseline_capture")
	if !bc.is('{') {
		return BaselineClaims{}
	}
	var c BaselineClaims
	for k, v := range bc.members() {
		switch {
		case keyIs(k, "baseline_profile_id"):
			c.ProfileID = readPointer(v)
		case keyIs(k, "baseline_snapshot_id"):
			c.SnapshotID = readPointer(v)
		case keyIs(k, "eligibility"):
			c.EligibilityBlocked = readString(v.field("status")) == "blocked"
			c.EligibilityCode = readString(v.field("reason_code"))
		case keyIs(k, "gaps"):
			c.GapCount = readCount(v.field("count"))
		case keyIs(k, "meta_fallback_count"):
			c.MetaFallbackCount = readCount(v)
		}
	}
	return c
}
