package repo

import (
	"context"

	"github.com/runproof/runproof/internal/repo/internal/sqlcdb"
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
	role, err := sqlcdb.New(db).MemberGet(ctx, sqlcdb.MemberGetParams{WorkspaceID: ws, Subject: subject})
	if err != nil {
		return Member{}, readError("get member", err)
	}
	return Member{Role: role}, nil
}
