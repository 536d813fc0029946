package repo

import (
	"context"
	"fmt"

	"github.com/runproof/runproof/internal/domain"
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
	rows, err := db.Query(ctx, `SELECT m.role, `+runViewColumns(p.Diagnostics)+`
		FROM `+runFrom+`
		JOIN workspace_members m ON m.workspace_id = r.workspace_id AND m.subject = $2
		WHERE r.workspace_id = $1 AND r.id = $3 AND `+memberSeesRun,
		p.WorkspaceID, p.Subject, p.RunID)
	if err != nil {
		return Member{}, RunView{}, fmt.Errorf("get run: %w", err)
	}
	// Rows, not QueryRow: the scanned text stays in the driver's buffer
	// until view copies it, and QueryRow releases the buffer in Scan.
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return Member{}, RunView{}, fmt.Errorf("get run: %w", err)
		}
		return Member{}, RunView{}, domain.ErrNotFound
	}
	var (
		row  runViewRow
		run  RunView
		page pageStore
	)
	if err := rows.Scan(row.dest(p.Diagnostics)...); err != nil {
		return Member{}, RunView{}, scanError(err)
	}
	if err := row.view(&run, p.WorkspaceID, &page); err != nil {
		return Member{}, RunView{}, scanError(err)
	}
	return Member{Role: string(row.role)}, run, nil
}

// RunGetWholeForMember is RunGetForMember for a caller that needs the whole
// run, as the reconciler does: the same visibility and the same domain.ErrNotFound
// for every hidden case, every column, one round trip.
func RunGetWholeForMember(ctx context.Context, db DBTX, ws int64, subject string, id int64) (Member, domain.Run, error) {
	var m Member
	run, err := scanRun(db.QueryRow(ctx, `SELECT `+runColumns+`, m.role
		FROM `+runFrom+`
		JOIN workspace_members m ON m.workspace_id = r.workspace_id AND m.subject = $2
		WHERE r.workspace_id = $1 AND r.id = $3 AND `+memberSeesRun, ws, subject, id), &m.Role)
	if err != nil {
		return Member{}, domain.Run{}, err
	}
	return m, run, nil
}
