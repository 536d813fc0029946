package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo/internal/sqlcdb"
)

// runOf maps an operation_runs row and its environment's name to a domain.Run.
func runOf(r sqlcdb.OperationRun, environmentName *string) domain.Run {
	return domain.Run{
		ID:              r.ID,
		WorkspaceID:     r.WorkspaceID,
		EnvironmentID:   r.ManagedEnvironmentID,
		EnvironmentName: environmentName,
		Type:            r.Type,
		Status:          domain.Status(r.Status),
		Outcome:         domain.Outcome(r.Outcome),
		Initiator:       r.Initiator,
		Context:         r.Context,
		SummaryCounts:   r.SummaryCounts,
		Failures:        r.Failures,
		CreatedAt:       r.CreatedAt,
		StartedAt:       r.StartedAt,
		LastHeartbeatAt: r.LastHeartbeatAt,
		CompletedAt:     r.CompletedAt,
		UpdatedAt:       r.UpdatedAt,
	}
}

// RunGet returns run id of workspace ws, or domain.ErrNotFound when there is no such
// run in that workspace.
func RunGet(ctx context.Context, db DBTX, ws, id int64) (domain.Run, error) {
	row, err := sqlcdb.New(db).RunGet(ctx, sqlcdb.RunGetParams{WorkspaceID: ws, ID: id})
	if err != nil {
		return domain.Run{}, readError("get run", err)
	}
	return runOf(row.OperationRun, row.EnvironmentName), nil
}

// readError maps the error of a read: pgx.ErrNoRows becomes domain.ErrNotFound.
func readError(what string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.ErrNotFound
	}
	return fmt.Errorf("%s: %w", what, err)
}
