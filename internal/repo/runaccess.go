package repo

import (
	"context"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo/internal/sqlcdb"
)

// RunGetForMemberParams names a run as one workspace member asks for it.
type RunGetForMemberParams struct {
	WorkspaceID int64
	Subject     string
	RunID       int64
	// Diagnostics also selects the raw context and failures.
	Diagnostics bool
}

// RunGetForMember returns the caller's membership and the run in one round
// trip. It returns domain.ErrNotFound alike when the subject is not a member of the
// workspace (or the workspace does not exist), when the run does not exist or
// belongs to another workspace, and when the run's environment is not granted
// to a member without all_environments (a run with no environment is visible
// only to those), so that callers cannot tell these cases apart.
func RunGetForMember(ctx context.Context, db DBTX, p RunGetForMemberParams) (Member, RunView, error) {
	row, err := sqlcdb.New(db).RunViewForMember(ctx, sqlcdb.RunViewForMemberParams{
		WorkspaceID: p.WorkspaceID, Subject: p.Subject, ID: p.RunID, Diagnostics: p.Diagnostics,
	})
	if err != nil {
		return Member{}, RunView{}, readError("get run", err)
	}
	return Member{Role: row.Role}, RunView{
		Run: domain.Run{
			ID:              row.ID,
			WorkspaceID:     p.WorkspaceID,
			EnvironmentID:   row.ManagedEnvironmentID,
			EnvironmentName: row.EnvironmentName,
			Type:            row.Type,
			Status:          domain.Status(row.Status),
			Outcome:         domain.Outcome(row.Outcome),
			Context:         row.Context,
			SummaryCounts:   rawJSON(row.SummaryCountsText),
			Failures:        row.Failures,
			CreatedAt:       row.CreatedAt,
			StartedAt:       row.StartedAt,
			LastHeartbeatAt: row.LastHeartbeatAt,
			CompletedAt:     row.CompletedAt,
		},
		Reconciliation: rawJSON(row.ReconciliationText),
	}, nil
}

// RunGetWholeForMember is RunGetForMember for a caller that needs the whole
// run, as the reconciler does: the same visibility and the same domain.ErrNotFound
// for every hidden case, every column, one round trip.
func RunGetWholeForMember(ctx context.Context, db DBTX, ws int64, subject string, id int64) (Member, domain.Run, error) {
	row, err := sqlcdb.New(db).RunGetWholeForMember(ctx, sqlcdb.RunGetWholeForMemberParams{
		WorkspaceID: ws, Subject: subject, ID: id,
	})
	if err != nil {
		return Member{}, domain.Run{}, readError("get run", err)
	}
	return Member{Role: row.Role}, runOf(row.OperationRun, row.EnvironmentName), nil
}
