package repo_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/repo"
)

// emptyMigrator returns a migrator over a database with no schema yet.
func emptyMigrator(t *testing.T) (*repo.Migrator, *pgxpool.Pool) {
	t.Helper()
	pool, _ := dbtest.NewEmpty(t)
	m, err := repo.NewMigrator(pool)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() }) // only returns connections to the test's pool
	return m, pool
}

func TestMigrationsUpDownUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, pool := emptyMigrator(t)

	applied, err := m.Up(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, applied)
	tables := countTables(t, pool)
	require.Equal(t, 11, tables, "every table of docs/contract.md, section 7")

	for range applied {
		_, err := m.Down(ctx)
		require.NoError(t, err)
	}
	require.Zero(t, countTables(t, pool), "down leaves no table behind")
	var fns int
	require.NoError(t, pool.QueryRow(ctx, `select count(*) from pg_proc where proname in ('operation_runs_touch_updated_at', 'run_family')`).Scan(&fns))
	require.Zero(t, fns, "down drops the functions")

	again, err := m.Up(ctx)
	require.NoError(t, err)
	require.Equal(t, applied, again)
	pending, err := m.Pending(ctx)
	require.NoError(t, err)
	require.False(t, pending)
}

// Migration 00004 meets a database that already holds an infinite time: it
// stops with PostgreSQL's own message, already refuses new infinite writes,
// and once the row is fixed, simply running up again finishes the job.
func TestFiniteTimesMigrationOnOldBadRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, pool := emptyMigrator(t)
	_, err := m.Up(ctx)
	require.NoError(t, err)
	for _, want := range []int64{6, 5, 4} {
		version, err := m.Down(ctx)
		require.NoError(t, err)
		require.Equal(t, want, version)
	}
	var bad int64
	ws := newWorkspace(t, pool, "w")
	require.NoError(t, pool.QueryRow(ctx, `insert into operation_runs (workspace_id, type, created_at)
		values ($1, 'inventory.sync', '-infinity') returning id`, ws).Scan(&bad))

	_, err = m.Up(ctx)
	require.ErrorContains(t, err, `check constraint "operation_runs_times_finite" of relation "operation_runs" is violated by some row`)
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, type, started_at) values ($1, 'inventory.sync', 'infinity')`, ws)
	require.ErrorContains(t, err, "operation_runs_times_finite", "new writes are checked before the old rows are fixed")

	_, err = pool.Exec(ctx, `update operation_runs set created_at = now() where id = $1`, bad)
	require.NoError(t, err)
	applied, err := m.Up(ctx)
	require.NoError(t, err)
	require.Equal(t, []int64{4, 5, 6}, applied)
	var valid bool
	require.NoError(t, pool.QueryRow(ctx, `select convalidated from pg_constraint where conname = 'operation_runs_times_finite'`).Scan(&valid))
	require.True(t, valid)
}

func countTables(t *testing.T, db repo.DBTX) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow(context.Background(),
		`select count(*) from information_schema.tables
		 where table_schema = 'public' and table_name <> 'goose_db_version'`).Scan(&n))
	return n
}

func TestRunConstraintsRejectUnknownValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "w")

	cases := map[string]string{
		"unknown status":         `insert into operation_runs (workspace_id, type, status) values ($1, 'inventory.sync', 'done')`,
		"unknown outcome":        `insert into operation_runs (workspace_id, type, status, outcome, completed_at) values ($1, 'inventory.sync', 'completed', 'ok', now())`,
		"outcome while open":     `insert into operation_runs (workspace_id, type, status, outcome) values ($1, 'inventory.sync', 'running', 'succeeded')`,
		"completed, no outcome":  `insert into operation_runs (workspace_id, type, status, completed_at) values ($1, 'inventory.sync', 'completed', now())`,
		"completed without time": `insert into operation_runs (workspace_id, type, status, outcome) values ($1, 'inventory.sync', 'completed', 'failed')`,
		"context not an object":  `insert into operation_runs (workspace_id, type, context) values ($1, 'inventory.sync', '[]')`,
		"unknown role":           `insert into workspace_members (workspace_id, subject, role) values ($1, 'x', 'admin')`,
	}
	for name, stmt := range cases {
		_, err := pool.Exec(ctx, stmt, ws)
		require.Error(t, err, name)
		require.Contains(t, err.Error(), "violates check constraint", name)
	}
	_, err := pool.Exec(ctx, `insert into operation_runs (workspace_id, type, status, outcome, completed_at) values ($1, 'inventory.sync', 'completed', 'partially_succeeded', now())`, ws)
	require.NoError(t, err, "a valid terminal run is accepted")
}

// An infinite time cannot be rendered or scanned: a job writing one must be
// refused, or its run would fail every read and stall the sweep.
func TestRunTimesMustBeFinite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var run int64
	ws := newWorkspace(t, pool, "w")
	require.NoError(t, pool.QueryRow(ctx, `insert into operation_runs (workspace_id, type, status, started_at)
		values ($1, 'inventory.sync', 'running', now()) returning id`, ws).Scan(&run))
	for _, column := range []string{"created_at", "started_at", "last_heartbeat_at", "completed_at"} {
		for _, value := range []string{"infinity", "-infinity"} {
			_, err := pool.Exec(ctx, `insert into operation_runs (workspace_id, type, `+column+`) values ($1, 'inventory.sync', $2)`, ws, value)
			require.ErrorContains(t, err, "operation_runs_times_finite", "insert %s = %s", column, value)
			_, err = pool.Exec(ctx, `update operation_runs set `+column+` = $2 where id = $1`, run, value)
			require.ErrorContains(t, err, "operation_runs_times_finite", "update %s = %s", column, value)
		}
	}
	_, err := pool.Exec(ctx, `update operation_runs set last_heartbeat_at = now() where id = $1`, run)
	require.NoError(t, err, "a finite time is accepted")
}

func TestRunEnvironmentMustBelongToWorkspace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws1 := newWorkspace(t, pool, "a")
	ws2 := newWorkspace(t, pool, "b")
	env2 := newEnvironment(t, pool, ws2, "e")
	_, err := pool.Exec(ctx, `insert into operation_runs (workspace_id, managed_environment_id, type) values ($1, $2, 'inventory.sync')`, ws1, env2)
	require.ErrorContains(t, err, "foreign key")
}

func TestUpdatedAtMovesOnEveryUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var run int64
	ws := newWorkspace(t, pool, "w")
	require.NoError(t, pool.QueryRow(ctx, `insert into operation_runs (workspace_id, type) values ($1, 'inventory.sync') returning id`, ws).Scan(&run))

	// Several updates inside one transaction share now(); updated_at must still move.
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	prev := readUpdatedAt(t, tx, run)
	for i := range 5 {
		_, err := tx.Exec(ctx, `update operation_runs set initiator = $2 where id = $1`, run, []string{"a", "b", "c", "d", "e"}[i])
		require.NoError(t, err)
		next := readUpdatedAt(t, tx, run)
		require.True(t, next.After(prev), "update %d moved updated_at", i)
		prev = next
	}
	// Even a write that tries to set updated_at itself cannot hold it still.
	_, err = tx.Exec(ctx, `update operation_runs set updated_at = $2 where id = $1`, run, prev)
	require.NoError(t, err)
	require.True(t, readUpdatedAt(t, tx, run).After(prev))
	require.NoError(t, tx.Commit(ctx))
}

// The text copies of summary_counts and context.reconciliation that runs are
// read from must follow every write, and read back as the jsonb they copy.
func TestRunViewTextCopiesFollowEveryWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var run int64
	ws := newWorkspace(t, pool, "w")
	_, err := pool.Exec(ctx, `insert into workspace_members (workspace_id, subject, role) values ($1, 'owner', 'owner')`, ws)
	require.NoError(t, err)
	require.NoError(t, pool.QueryRow(ctx, `insert into operation_runs (workspace_id, type, summary_counts)
		values ($1, 'inventory.sync', '{"total": 10, "failed": 2}') returning id`, ws).Scan(&run))

	read := func() repo.RunView {
		t.Helper()
		_, v, err := repo.RunGetForMember(ctx, pool, repo.RunGetForMemberParams{WorkspaceID: ws, Subject: "owner", RunID: run})
		require.NoError(t, err)
		return v
	}
	v := read()
	require.JSONEq(t, `{"total": 10, "failed": 2}`, string(v.SummaryCounts))
	require.Nil(t, v.Reconciliation, "no reconciliation yet")

	_, err = pool.Exec(ctx, `update operation_runs set summary_counts = summary_counts || '{"succeeded": 8}',
		context = '{"reconciliation": {"decision": "finalized", "proof": {"items": 1.5e3}}}' where id = $1`, run)
	require.NoError(t, err)
	v = read()
	require.JSONEq(t, `{"total": 10, "failed": 2, "succeeded": 8}`, string(v.SummaryCounts))
	require.JSONEq(t, `{"decision": "finalized", "proof": {"items": 1500}}`, string(v.Reconciliation))

	_, err = pool.Exec(ctx, `update operation_runs set context = context - 'reconciliation' where id = $1`, run)
	require.NoError(t, err)
	require.Nil(t, read().Reconciliation)

	_, err = pool.Exec(ctx, `update operation_runs set summary_counts_text = '{}' where id = $1`, run)
	require.ErrorContains(t, err, "can only be updated to DEFAULT", "nothing writes the copies directly")
}
