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
