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
