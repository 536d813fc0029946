package domain

import (
	"encoding/json"
	"time"
)

// Status is where a run is in its lifecycle: queued, then running, then
// completed. Only StatusCompleted is terminal.
type Status string

// The only statuses a run can have.
const (
	StatusQueued    Status = "queued"
	StatusRunning   Status = "running"
	StatusCompleted Status = "completed"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusQueued, StatusRunning, StatusCompleted}

// Open reports whether a run with status s may still change: it is not completed.
func (s Status) Open() bool { return s == StatusQueued || s == StatusRunning }

// Run is one operation run as jobs record it (the operation_runs row), with
// its environment's name when it has one.
type Run struct {
	ID              int64
	WorkspaceID     int64
	EnvironmentID   *int64
	EnvironmentName *string
	// Type is the type string as the job stored it: canonical or an alias.
	Type      string
	Status    Status
	Outcome   Outcome
	Initiator *string
	// Context, SummaryCounts and Failures are the job-written JSON documents,
	// unparsed: each reader takes only what it needs.
	Context       json.RawMessage
	SummaryCounts json.RawMessage
	Failures      json.RawMessage
	CreatedAt     time.Time
	StartedAt     *time.Time
	// LastHeartbeatAt is the job's last sign of life.
	LastHeartbeatAt *time.Time
	CompletedAt     *time.Time
	// UpdatedAt changes on every write to the row, including the writes of
	// proof tied to it: the guard of every finalization.
	UpdatedAt time.Time
}

// Family is the run's canonical family: aliases are normalized.
func (r Run) Family() Family { return Canonical(r.Type) }

// LastActivity is when the run last showed life:
// coalesce(last_heartbeat_at, started_at, created_at), the clock of the
// running stale threshold.
func (r Run) LastActivity() time.Time {
	switch {
	case r.LastHeartbeatAt != nil:
		return *r.LastHeartbeatAt
	case r.StartedAt != nil:
		return *r.StartedAt
	default:
		return r.CreatedAt
	}
}
