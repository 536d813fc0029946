package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Member is a subject's membership of one workspace. Which environments it
// sees is decided in SQL, by the queries that read runs for it.
type Member struct {
	Role string
}

// MemberGet returns subject's membership of workspace ws. It is read on every
// request, so a removed member loses access at once. It returns ErrNotFound
// when the subject is not a member, including when the workspace does not exist.
func MemberGet(ctx context.Context, db DBTX, ws int64, subject string) (Member, error) {
	var m Member
	err := db.QueryRow(ctx, `SELECT role FROM workspace_members
		WHERE workspace_id = $1 AND subject = $2`, ws, subject).Scan(&m.Role)
	if errors.Is(err, pgx.ErrNoRows) {
		return Member{}, ErrNotFound
	}
	if err != nil {
		return Member{}, fmt.Errorf("get member: %w", err)
	}
	return m, nil
}
