package repo

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// RunView is a run as the API renders it: the row with context.reconciliation
// extracted by SQL, and the raw context and failures only when diagnostics
// were asked for, so that pages of runs never ship whole contexts.
type RunView struct {
	// Run has Context and Failures nil unless selected with diagnostics;
	// Initiator and UpdatedAt, which no response shows, stay unset.
	Run
	// Reconciliation is context.reconciliation, nil when the run has none.
	Reconciliation json.RawMessage
}

// runViewColumns selects a RunView from operation_runs r left-joined to
// managed_environments e. The summary counts and the reconciliation come from
// their stored text copies (migration 00003), which cost PostgreSQL no jsonb
// serialization per read.
func runViewColumns(diagnostics bool) string {
	cols := `r.id, r.workspace_id, r.managed_environment_id, e.name, r.type, r.status, r.outcome,
		r.summary_counts_text, r.created_at, r.started_at, r.last_heartbeat_at, r.completed_at,
		r.reconciliation_text`
	if diagnostics {
		cols += `, r.context, r.failures`
	}
	return cols
}

// runViewDest appends to dest the scan destinations, in v, of the columns
// of runViewColumns(diagnostics). jsonb scans into *[]byte, which pgx copies
// as is (into *json.RawMessage it would go through json.Unmarshal).
func runViewDest(dest []any, v *RunView, diagnostics bool) []any {
	dest = append(dest, &v.ID, &v.WorkspaceID, &v.EnvironmentID, &v.EnvironmentName, &v.Type, &v.Status,
		&v.Outcome, (*[]byte)(&v.SummaryCounts), &v.CreatedAt, &v.StartedAt, &v.LastHeartbeatAt,
		&v.CompletedAt, (*[]byte)(&v.Reconciliation))
	if diagnostics {
		dest = append(dest, (*[]byte)(&v.Context), (*[]byte)(&v.Failures))
	}
	return dest
}

// scanError maps a scan's error: pgx.ErrNoRows becomes ErrNotFound.
func scanError(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return fmt.Errorf("scan run: %w", err)
}
