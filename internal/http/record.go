package http

import (
	"encoding/json"
	"time"
)

// DecisionRecord is the decision record runproof stores in a run's
// context.reconciliation, in the statement that finalizes the run
// (docs/contract.md, "The decision record").
type DecisionRecord struct {
	// Decision is always finalized: only finalizations are recorded.
	Decision string `json:"decision" enums:"finalized" example:"finalized"`
	// Outcome is the outcome written; runproof never decides cancelled.
	Outcome    string `json:"outcome" enums:"succeeded,partially_succeeded,blocked,failed" example:"partially_succeeded"`
	ReasonCode string `json:"reason_code" example:"backup.partial"`
	// Explanation is the operator sentence, with the figures.
	Explanation string `json:"explanation" example:"Backup partly captured: backup set 2 holds 4 of 5 expected items, with 1 failed and 1 missing assignment."`
	Proof       Proof  `json:"proof"`
	// Links are the in-scope artifacts the decision relied on that the
	// caller can open.
	Links []ArtifactLink `json:"links"`
	// Source is who asked: an operator's reconcile or the stale sweep.
	Source string `json:"source" enums:"manual,sweep" example:"sweep"`
	// Actor is the operator's member subject for manual, system for sweep.
	Actor string `json:"actor" example:"system"`
	// Adapter is the rules used; generic/v1 is the sweep's stale path.
	Adapter string `json:"adapter" enums:"inventory.sync/v1,baseline.capture/v1,backup.schedule.execute/v1,generic/v1" example:"backup.schedule.execute/v1"`
	// PreviousStatus is the status the run had when it was judged.
	PreviousStatus string `json:"previous_status" enums:"queued,running" example:"running"`
	// ReconciledAt is the same instant as the run's completed_at.
	ReconciledAt time.Time `json:"reconciled_at" format:"date-time"`
	// Note is the operator's note from a manual reconcile; absent when none was given.
	Note string `json:"note,omitempty" example:"Job host was restarted"`
} //@name DecisionRecord

// Proof holds the figures a decision used. Which keys are present depends on
// the adapter (inventory.sync, baseline.capture, backup.schedule.execute) and
// the caller's checks (not_stale); the stale path keeps the adapter's keys,
// and decisions made without proof carry none. A key has one meaning and one
// type in every family that sets it, so the proof is one object: it has no
// field that would tell the families apart, and records already stored
// could not gain one.
type Proof struct {
	// Attempted counts the policy types attempted (inventory).
	Attempted *int64 `json:"attempted,omitempty" example:"12"`
	// Succeeded counts the policy types that succeeded (inventory).
	Succeeded *int64 `json:"succeeded,omitempty" example:"10"`
	// Failed counts the policy types (inventory) or backup items (backup) that failed.
	Failed *int64 `json:"failed,omitempty" example:"2"`
	// Skipped counts the policy types skipped (inventory).
	Skipped *int64 `json:"skipped,omitempty" example:"0"`
	// Blocked counts the policy types blocked (inventory).
	Blocked *int64 `json:"blocked,omitempty" example:"0"`
	// NotReached counts the policy types attempted without a coverage status (inventory).
	NotReached *int64 `json:"not_reached,omitempty" example:"0"`
	// ItemsClaimed is the item_count total of the succeeded policy types (inventory).
	ItemsClaimed *int64 `json:"items_claimed,omitempty" example:"340"`
	// ItemsObserved counts the inventory items last seen by the run in its scope (inventory).
	ItemsObserved *int64 `json:"items_observed,omitempty" example:"340"`
	// ItemsOutOfScope counts the inventory items last seen by the run outside its scope (inventory).
	ItemsOutOfScope *int64 `json:"items_out_of_scope,omitempty" example:"0"`
	// BlockedReason is the run's blocked reason code, when it recorded one (inventory).
	BlockedReason *string `json:"blocked_reason,omitempty" example:"provider_permission_missing"`

	// Candidates counts the in-scope snapshots (baseline) or backup sets (backup) recorded for the run.
	Candidates *int64 `json:"candidates,omitempty" example:"1"`
	// OutOfScope counts the artifacts tied to the run outside its scope (baseline, backup).
	OutOfScope *int64 `json:"out_of_scope,omitempty" example:"0"`
	// Failures counts the items of the run's failures list (baseline, backup).
	Failures *int64 `json:"failures,omitempty" example:"0"`
	// MetaFallbackCount is the run's metadata fallbacks (baseline).
	MetaFallbackCount *int64 `json:"meta_fallback_count,omitempty" example:"0"`
	// Gaps is the snapshot's (or the run's) gap count (baseline).
	Gaps *int64 `json:"gaps,omitempty" example:"0"`
	// BaselineProfileID is the profile the run names (baseline).
	BaselineProfileID *int64 `json:"baseline_profile_id,omitempty" format:"int64" example:"3"`
	// SnapshotPointer is the snapshot id the run names (baseline).
	SnapshotPointer *int64 `json:"snapshot_pointer,omitempty" format:"int64" example:"91"`
	// SnapshotID is the snapshot the decision used (baseline).
	SnapshotID *int64 `json:"snapshot_id,omitempty" format:"int64" example:"91"`
	// ItemCount is the item count of the snapshot used (baseline).
	ItemCount *int64 `json:"item_count,omitempty" example:"12"`

	// Expected counts the items the backup set expects (backup).
	Expected *int64 `json:"expected,omitempty" example:"5"`
	// Captured counts the backup set's captured items (backup).
	Captured *int64 `json:"captured,omitempty" example:"4"`
	// AssignmentsMissing counts captured items whose assignments are missing (backup).
	AssignmentsMissing *int64 `json:"assignments_missing,omitempty" example:"1"`
	// BackupSetID is the backup set the decision used (backup).
	BackupSetID *int64 `json:"backup_set_id,omitempty" format:"int64" example:"2"`
	// SetStatus is the status of the backup set used (backup).
	SetStatus *string `json:"set_status,omitempty" enums:"pending,running,completed,failed" example:"running"`
	// BackupScheduleID is the schedule the run names (backup).
	BackupScheduleID *int64 `json:"backup_schedule_id,omitempty" format:"int64" example:"1"`
	// SetPointer is the backup set id the run names (backup).
	SetPointer *int64 `json:"set_pointer,omitempty" format:"int64" example:"2"`
	// SkipReason is the schedule's skip reason code, when it recorded one (backup).
	SkipReason *string `json:"skip_reason,omitempty" example:"maintenance_window"`

	// AgeSeconds is how long the run has been queued or silent (not_stale).
	AgeSeconds *int64 `json:"age_seconds,omitempty" example:"600"`
	// StaleAfterSeconds is the threshold it has not passed yet (not_stale).
	StaleAfterSeconds *int64 `json:"stale_after_seconds,omitempty" example:"1800"`
} //@name Proof

// Failure is one item of a run's failures list, read as runproof reads it:
// the code is the first non-empty string among code, reason_code and
// error_code; either is null when the job recorded none.
type Failure struct {
	Code    *string `json:"code" extensions:"x-nullable" example:"graph_throttled"`
	Message *string `json:"message" extensions:"x-nullable" example:"Too many requests"`
} //@name Failure

// readRecord reads context.reconciliation; nil when the run has none (or it
// is not an object, or does not decode).
func readRecord(raw json.RawMessage) *DecisionRecord {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var rec DecisionRecord
	if json.Unmarshal(raw, &rec) != nil {
		return nil
	}
	if rec.Links == nil {
		rec.Links = []ArtifactLink{}
	}
	return &rec
}

// proofOf types a decision's proof figures.
func proofOf(figures map[string]any) (Proof, error) {
	var p Proof
	b, err := json.Marshal(figures)
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	return p, err
}

// failuresOf reads a run's failures list, a JSON array as the column
// requires.
func failuresOf(raw json.RawMessage) *[]Failure {
	var items []json.RawMessage
	_ = json.Unmarshal(raw, &items)
	out := make([]Failure, len(items))
	for i, item := range items {
		var fields map[string]any
		_ = json.Unmarshal(item, &fields) // an item that is not an object has neither code nor message
		for _, key := range [...]string{"code", "reason_code", "error_code"} {
			if s, ok := fields[key].(string); ok && s != "" {
				out[i].Code = &s
				break
			}
		}
		if s, ok := fields["message"].(string); ok {
			out[i].Message = &s
		}
	}
	return &out
}
