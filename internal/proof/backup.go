package proof

import "encoding/json"

// BackupClaims is what a backup.schedule.execute run's context claims.
type BackupClaims struct {
	ScheduleID Pointer
	SetID      Pointer
	// SkipReason is backup_schedule.skip_reason.
	SkipReason Reason
}

// BackupSet is a backup_sets row tied to a run, by pointer or by
// operation_run_id, with its items counted. InScope says whether it lies in
// the run's scope.
type BackupSet struct {
	ID            int64
	WorkspaceID   int64
	EnvironmentID int64
	// ScheduleID is backup_schedule_id and RunID operation_run_id, 0 when NULL.
	ScheduleID int64
	RunID      int64
	Status     string
	// Expected is item_count; the rest count its backup_items: status
	// captured, status failed, assignments_status missing or failed.
	Expected           int64
	Captured           int64
	Failed             int64
	AssignmentsMissing int64
	InScope            bool
}

// BackupProof is a backup.schedule.execute run's claims, failures and sets.
type BackupProof struct {
	Claims   BackupClaims
	Failures Failures
	// Pointed is the set Claims.SetID names, in whatever scope; nil when
	// there is no pointer or no such set.
	Pointed *BackupSet
	// Candidates are the sets whose operation_run_id is the run, in any
	// scope, by id.
	Candidates []BackupSet
}

// ParseBackupClaims reads a backup run's context; it never fails (see the
// package's leniency rule).
func ParseBackupClaims(context json.RawMessage) BackupClaims {
	var c BackupClaims
	for k, v := range parseValue(context).members() {
		switch {
		case keyIs(k, "backup_schedule_id"):
			c.ScheduleID = readPointer(v)
		case keyIs(k, "backup_set_id"):
			c.SetID = readPointer(v)
		case keyIs(k, "backup_schedule"):
			c.SkipReason = readReason(v.field("skip_reason"))
		}
	}
	return c
}
