package domain

import "time"

// The artifacts jobs record as proof, as the proof surfaces show them to a
// workspace member: what an operator opens to check whether the proof
// really justifies a run's outcome.

// ArtifactRuns are the runs an artifact leads back to, all of them runs the
// reader may open.
type ArtifactRuns struct {
	// ProducedBy is the run that recorded the artifact (its operation_run_id)
	// when that run lies in the artifact's scope; 0 otherwise.
	ProducedBy int64
	// CitedBy are the newest runs (at most 50, newest first) whose decision
	// record links the artifact.
	CitedBy []int64
}

// BaselineSnapshot is a baseline.capture run's artifact.
type BaselineSnapshot struct {
	ID              int64
	EnvironmentID   int64
	EnvironmentName string
	ProfileID       int64
	ProfileName     string
	ItemCount       int64
	GapCount        int64
	CreatedAt       time.Time
	Runs            ArtifactRuns
}

// BackupSchedule is the schedule a backup set was taken for.
type BackupSchedule struct {
	ID      int64
	Name    string
	Enabled bool
}

// BackupSet is a backup.schedule.execute run's artifact, with its items
// counted as the backup rules count them.
type BackupSet struct {
	ID              int64
	EnvironmentID   int64
	EnvironmentName string
	// Schedule is nil when the set has none, or the reader may not see the
	// schedule's environment.
	Schedule *BackupSchedule
	Status   string
	// Expected is the set's item_count: the items it expects.
	Expected int64
	// Captured and Failed count items by status; AssignmentsMissing counts
	// items whose assignments are missing or failed; Other counts the items
	// neither captured nor failed (pending, skipped).
	Captured, Failed, AssignmentsMissing, Other int64
	CreatedAt                                   time.Time
	Runs                                        ArtifactRuns
}

// BackupItem is one item of a backup set.
type BackupItem struct {
	ID                int64
	PolicyType        string
	ExternalID        string
	Status            string
	AssignmentsStatus string
	// ErrorCode is nil when the job recorded none.
	ErrorCode *string
}

// InventoryItem is one observed inventory item.
type InventoryItem struct {
	ID              int64
	EnvironmentID   int64
	EnvironmentName string
	PolicyType      string
	ExternalID      string
	DisplayName     *string
	LastSeenAt      *time.Time
	// LastSeenBy is the run that last saw the item when that run lies in the
	// item's scope; 0 otherwise.
	LastSeenBy int64
}

// BackupItemStatuses are the values a backup item's status may hold.
var BackupItemStatuses = []string{"pending", "captured", "failed", "skipped"}
