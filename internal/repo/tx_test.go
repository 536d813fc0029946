package repo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/repo"
)

func TestInTxCommitsOrRollsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	insert := func(slug string) func(tx repo.DBTX) error {
		return func(tx repo.DBTX) error {
			_, err := tx.Exec(ctx, `insert into workspaces (slug, name) values ($1, $1)`, slug)
			return err
		}
	}
	exists := func(slug string) bool {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `select count(*) from workspaces where slug = $1`, slug).Scan(&n))
		return n == 1
	}

	require.NoError(t, repo.InTx(ctx, pool, false, insert("committed")))
	require.True(t, exists("committed"))

	failed := errors.New("fn failed")
	err := repo.InTx(ctx, pool, false, func(tx repo.DBTX) error {
		require.NoError(t, insert("failed")(tx))
		return failed
	})
	require.ErrorIs(t, err, failed)
	require.False(t, exists("failed"), "rolled back on error")

	require.PanicsWithValue(t, "boom", func() {
		_ = repo.InTx(ctx, pool, false, func(tx repo.DBTX) error {
			require.NoError(t, insert("panicked")(tx))
			panic("boom")
		})
	})
	require.False(t, exists("panicked"), "rolled back on panic")

	err = repo.InTx(ctx, pool, true, insert("read-only"))
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "25006", pgErr.Code, "read_only_sql_transaction")
	require.False(t, exists("read-only"))

	// Every connection went back to the pool: nothing was left open.
	require.Zero(t, pool.Stat().AcquiredConns())
}
