package repo

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// Run is one operation_runs row, with its environment's name when it has one.
type Run struct {
	ID              int64
	WorkspaceID     int64
	EnvironmentID   *int64
	EnvironmentName *string
	Type            string
	Status          string
	Outcome         string
	Initiator       *string
	Context         json.RawMessage
	SummaryCounts   json.RawMessage
	Failures        json.RawMessage
	CreatedAt       time.Time
	StartedAt       *time.Time
	LastHeartbeatAt *time.Time
	CompletedAt     *time.Time
	UpdatedAt       time.Time
}

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

// runColumns selects a Run from operation_runs r left-joined to managed_environments e.
const runColumns = `r.id, r.workspace_id, r.managed_environment_id, e.name, r.type, r.status,
	r.outcome, r.initiator, r.context, r.summary_counts, r.failures, r.created_at,
	r.started_at, r.last_heartbeat_at, r.completed_at, r.updated_at`

const runFrom = `operation_runs r LEFT JOIN managed_environments e ON e.id = r.managed_environment_id`

// scanRun scans runColumns, then any columns after them into extra.
func scanRun(row pgx.Row, extra ...any) (Run, error) {
	var r Run
	// jsonb scans into *[]byte as is; into *json.RawMessage pgx would run
	// json.Unmarshal over every document.
	err := row.Scan(append([]any{&r.ID, &r.WorkspaceID, &r.EnvironmentID, &r.EnvironmentName, &r.Type, &r.Status,
		&r.Outcome, &r.Initiator, (*[]byte)(&r.Context), (*[]byte)(&r.SummaryCounts), (*[]byte)(&r.Failures),
		&r.CreatedAt, &r.StartedAt, &r.LastHeartbeatAt, &r.CompletedAt, &r.UpdatedAt}, extra...)...)
	if err != nil {
		return Run{}, scanError(err)
	}
	return r, nil
}

// collectRun is scanRun for pgx.CollectRows.
func collectRun(row pgx.CollectableRow) (Run, error) { return scanRun(row) }

// RunGet returns run id of workspace ws, or ErrNotFound when there is no such
// run in that workspace.
func RunGet(ctx context.Context, db DBTX, ws, id int64) (Run, error) {
	return scanRun(db.QueryRow(ctx, `SELECT `+runColumns+` FROM `+runFrom+`
		WHERE r.workspace_id = $1 AND r.id = $2`, ws, id))
}
