package repo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/repo"
)

// A RunPage is reused across reads: each read must hold exactly its own
// runs, whatever the previous read left in the page's memory.
func TestRunPageReusedAcrossReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var ws, env int64
	require.NoError(t, pool.QueryRow(ctx, `insert into workspaces (slug, name) values ('w', 'W') returning id`).Scan(&ws))
	require.NoError(t, pool.QueryRow(ctx, `insert into managed_environments (workspace_id, name) values ($1, 'Tenant A') returning id`, ws).Scan(&env))
	_, err := pool.Exec(ctx, `insert into workspace_members (workspace_id, subject, role) values ($1, 'owner', 'owner')`, ws)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, managed_environment_id, type, status, outcome,
			summary_counts, context, started_at, completed_at, created_at)
		select $1, case when g % 2 = 0 then $2::bigint end, 'inventory.sync', 'completed', 'failed',
			jsonb_build_object('failed', g), jsonb_build_object('reconciliation', jsonb_build_object('reason_code', 'r' || g)),
			now(), now(), now() - g * interval '1 minute'
		from generate_series(1, 30) g`, ws, env)
	require.NoError(t, err)

	params := func(limit int, env *int64) repo.RunListParams {
		return repo.RunListParams{WorkspaceID: ws, Subject: "owner", EnvironmentID: env, Limit: limit, Now: time.Now()}
	}
	fresh := func(p repo.RunListParams) []repo.RunView {
		var page repo.RunPage
		_, err := repo.RunListForMember(ctx, pool, p, &page)
		require.NoError(t, err)
		return page.Runs
	}

	var reused repo.RunPage
	for _, p := range []repo.RunListParams{params(30, nil), params(3, &env), params(20, nil), params(1, nil)} {
		m, err := repo.RunListForMember(ctx, pool, p, &reused)
		require.NoError(t, err)
		require.Equal(t, "owner", m.Role)
		visible := 30
		if p.EnvironmentID != nil {
			visible = 15 // the even runs
		}
		require.Len(t, reused.Runs, min(p.Limit, visible))
		require.Equal(t, fresh(p), reused.Runs, "limit %d", p.Limit)
	}

	_, err = repo.RunListForMember(ctx, pool, repo.RunListParams{WorkspaceID: ws, Subject: "stranger", Limit: 5}, &reused)
	require.ErrorIs(t, err, repo.ErrNotFound)
}

// A selective hub filter reads its own rows only: with the rare runs oldest,
// a filter scanning the workspace newest first would read every run before
// reaching them. Counted from EXPLAIN ANALYZE's rows, not timed.
func TestHubSelectiveFiltersReadOnlyMatchingRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var ws, big, small int64
	require.NoError(t, pool.QueryRow(ctx, `insert into workspaces (slug, name) values ('w', 'W') returning id`).Scan(&ws))
	require.NoError(t, pool.QueryRow(ctx, `insert into managed_environments (workspace_id, name) values ($1, 'Big') returning id`, ws).Scan(&big))
	require.NoError(t, pool.QueryRow(ctx, `insert into managed_environments (workspace_id, name) values ($1, 'Small') returning id`, ws).Scan(&small))
	_, err := pool.Exec(ctx, `insert into workspace_members (workspace_id, subject, role) values ($1, 'owner', 'owner')`, ws)
	require.NoError(t, err)
	const common = 20_000
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, managed_environment_id, type, status, outcome, started_at, completed_at, created_at)
		select $1, $2, 'inventory.sync', 'completed', 'succeeded', now(), now(), now() - g * interval '1 minute'
		from generate_series(1, $3::int) g`, ws, big, common)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, managed_environment_id, type, status, outcome, started_at, completed_at, created_at)
		values ($1, $2, 'restore.execute', 'completed', 'failed', now(), now(), now() - interval '1 year')`, ws, small)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `analyze operation_runs`)
	require.NoError(t, err)

	base := repo.RunListParams{WorkspaceID: ws, Subject: "owner", Limit: 51}
	for name, p := range map[string]func(*repo.RunListParams){
		"outcome":     func(p *repo.RunListParams) { p.Outcome = "failed" },
		"family":      func(p *repo.RunListParams) { p.Family = "restore.execute" },
		"environment": func(p *repo.RunListParams) { p.EnvironmentID = &small },
		"no run":      func(p *repo.RunListParams) { p.Outcome = "blocked" },
	} {
		params := base
		p(&params)
		sql, args := repo.RunListQuery(params)
		var plan []map[string]any
		require.NoError(t, pool.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+sql, args...).Scan(&plan))
		read := rowsReadFrom(plan[0]["Plan"].(map[string]any), "operation_runs")
		require.LessOrEqual(t, read, 10.0, "%s: the hub read %v runs of %d for at most one match", name, read, common+1)
	}
}

// rowsReadFrom sums the rows the scans of table in plan returned or filtered out.
func rowsReadFrom(plan map[string]any, table string) float64 {
	n := 0.0
	if plan["Relation Name"] == table {
		loops, _ := plan["Actual Loops"].(float64)
		rows, _ := plan["Actual Rows"].(float64)
		removed, _ := plan["Rows Removed by Filter"].(float64)
		n += (rows + removed) * loops
	}
	children, _ := plan["Plans"].([]any)
	for _, c := range children {
		n += rowsReadFrom(c.(map[string]any), table)
	}
	return n
}
