package repo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/repo"
)

func readUpdatedAt(t *testing.T, db repo.DBTX, run int64) time.Time {
	t.Helper()
	var at time.Time
	require.NoError(t, db.QueryRow(context.Background(), `select updated_at from operation_runs where id = $1`, run).Scan(&at))
	return at
}

// newWorkspace inserts a workspace named by its slug and returns its id.
func newWorkspace(t testing.TB, db repo.DBTX, slug string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, db.QueryRow(context.Background(), `insert into workspaces (slug, name) values ($1, $1) returning id`, slug).Scan(&id))
	return id
}

// newEnvironment inserts a managed environment of ws and returns its id.
func newEnvironment(t testing.TB, db repo.DBTX, ws int64, name string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, db.QueryRow(context.Background(), `insert into managed_environments (workspace_id, name) values ($1, $2) returning id`, ws, name).Scan(&id))
	return id
}
