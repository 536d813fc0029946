package repo

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/runproof/runproof/internal/domain"
)

// runColumns selects a domain.Run from operation_runs r left-joined to managed_environments e.
const runColumns = `r.id, r.workspace_id, r.managed_environment_id, e.name, r.type, r.status,
	r.outcome, r.initiator, r.context, r.summary_counts, r.failures, r.created_at,
	r.started_at, r.last_heartbeat_at, r.completed_at, r.updated_at`

const runFrom = `operation_runs r LEFT JOIN managed_environments e ON e.id = r.managed_environment_id`

// scanRun scans runColumns, then any columns after them into extra.
func scanRun(row pgx.Row, extra ...any) (domain.Run, error) {
	var r domain.Run
	// jsonb scans into *[]byte as is; into *json.RawMessage pgx would run
	// json.Unmarshal over every document.
	err := row.Scan(append([]any{&r.ID, &r.WorkspaceID, &r.EnvironmentID, &r.EnvironmentName, &r.Type, &r.Status,
		&r.Outcome, &r.Initiator, (*[]byte)(&r.Context), (*[]byte)(&r.SummaryCounts), (*[]byte)(&r.Failures),
		&r.CreatedAt, &r.StartedAt, &r.LastHeartbeatAt, &r.CompletedAt, &r.UpdatedAt}, extra...)...)
	if err != nil {
		return domain.Run{}, scanError(err)
	}
	return r, nil
}

// collectRun is scanRun for pgx.CollectRows.
func collectRun(row pgx.CollectableRow) (domain.Run, error) { return scanRun(row) }

// RunGet returns run id of workspace ws, or domain.ErrNotFound when there is no such
// run in that workspace.
func RunGet(ctx context.Context, db DBTX, ws, id int64) (domain.Run, error) {
	return scanRun(db.QueryRow(ctx, `SELECT `+runColumns+` FROM `+runFrom+`
		WHERE r.workspace_id = $1 AND r.id = $2`, ws, id))
}
