package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/runproof/runproof/internal/domain"
)

// Member is a subject's membership of one workspace. Which environments it
// sees is decided in SQL, by the queries that read runs for it.
type Member struct {
	Role string
}

// MemberGet returns subject's membership of workspace ws, for routes that
// read no run (the run reads join membership themselves); read per request,
// so a removed member loses access at once. It returns domain.ErrNotFound
// when the subject is not a member, including when the workspace does not exist.
func MemberGet(ctx context.Context, db DBTX, ws int64, subject string) (Member, error) {
	var m Member
	err := db.QueryRow(ctx, `SELECT role FROM workspace_members
		WHERE workspace_id = $1 AND subject = $2`, ws, subject).Scan(&m.Role)
	if errors.Is(err, pgx.ErrNoRows) {
		return Member{}, domain.ErrNotFound
	}
	if err != nil {
		return Member{}, fmt.Errorf("get member: %w", err)
	}
	return m, nil
}

// memberSeesRun is the environment-grant rule for a query joining member m
// and run r: a member without all_environments sees only the runs of the
// environments granted to it (so never a run without an environment).
const memberSeesRun = `(m.all_environments OR EXISTS (
	SELECT 1 FROM member_environment_grants g
	WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
	  AND g.managed_environment_id = r.managed_environment_id))`
