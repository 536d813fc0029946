package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Member is a subject's membership of one workspace: its role and whether it
// sees every environment or only the ones granted to it.
type Member struct {
	WorkspaceID     int64
	Subject         string
	Role            string
	AllEnvironments bool
}

// MemberGet returns subject's membership of workspace ws. It is read on every
// request, so a removed member loses access at once. It returns ErrNotFound
// when the subject is not a member, including when the workspace does not exist.
func MemberGet(ctx context.Context, db DBTX, ws int64, subject string) (Member, error) {
	m := Member{WorkspaceID: ws, Subject: subject}
	err := db.QueryRow(ctx, `SELECT role, all_environments FROM workspace_members
		WHERE workspace_id = $1 AND subject = $2`, ws, subject).Scan(&m.Role, &m.AllEnvironments)
	if errors.Is(err, pgx.ErrNoRows) {
		return Member{}, ErrNotFound
	}
	if err != nil {
		return Member{}, fmt.Errorf("get member: %w", err)
	}
	return m, nil
}
