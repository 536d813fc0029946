package repo_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/benchdata"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// A RunPage is reused across reads: each read must hold exactly its own
// runs, whatever the previous read left in the page's memory.
func TestRunPageReusedAcrossReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "w")
	env := newEnvironment(t, pool, ws, "Tenant A")
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
	require.ErrorIs(t, err, domain.ErrNotFound)
}

// A selective hub filter reads its own rows only: with the rare runs oldest,
// a filter scanning the workspace newest first would read every run before
// reaching them. So do members with grants, of the small environment or with
// a filter rarer than their environment. Counted in pages from EXPLAIN
// ANALYZE, not timed.
func TestHubSelectiveFiltersReadOnlyMatchingRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "w")
	big := newEnvironment(t, pool, ws, "Big")
	small := newEnvironment(t, pool, ws, "Small")
	_, err := pool.Exec(ctx, `insert into workspace_members (workspace_id, subject, role, all_environments)
		values ($1, 'owner', 'owner', true), ($1, 'scoped', 'readonly', false)`, ws)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `insert into workspace_members (workspace_id, subject, role, all_environments)
		values ($1, 'scoped-big', 'readonly', false)`, ws)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `insert into member_environment_grants (workspace_id, subject, managed_environment_id)
		values ($1, 'scoped', $2), ($1, 'scoped-big', $3)`, ws, small, big)
	require.NoError(t, err)
	const common = 20_000
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, managed_environment_id, type, status, outcome, started_at, completed_at, created_at)
		select $1, $2, 'inventory.sync', 'completed', 'succeeded', now(), now(), now() - g * interval '1 minute'
		from generate_series(1, $3::int) g`, ws, big, common)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, managed_environment_id, type, status, outcome, started_at, completed_at, created_at)
		values ($1, $2, 'restore.execute', 'completed', 'failed', now(), now(), now() - interval '1 year')`, ws, small)
	require.NoError(t, err)
	// One stale run in the small environment, and another workspace's
	// backlog of fresh open runs.
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, managed_environment_id, type, status, started_at, created_at)
		values ($1, $2, 'inventory.sync', 'running', now() - interval '300 days', now() - interval '300 days')`, ws, small)
	require.NoError(t, err)
	busy := newWorkspace(t, pool, "busy")
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, type, status, created_at)
		select $1, 'inventory.sync', 'queued', now() from generate_series(1, 5000)`, busy)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `vacuum analyze operation_runs`)
	require.NoError(t, err)

	owner := repo.RunListParams{WorkspaceID: ws, Subject: "owner", Limit: 51}
	scoped := repo.RunListParams{WorkspaceID: ws, Subject: "scoped", Limit: 51}
	scopedBig := repo.RunListParams{WorkspaceID: ws, Subject: "scoped-big", Limit: 51}
	stale := func(p *repo.RunListParams) {
		p.Stale, p.Now, p.Thresholds = new(true), time.Now(), repo.StaleThresholds{Queued: time.Hour, RunningDefault: time.Hour}
	}
	for name, c := range map[string]struct {
		p       repo.RunListParams
		granted bool
		filter  func(*repo.RunListParams)
	}{
		"outcome":            {owner, false, func(p *repo.RunListParams) { p.Outcome = "failed" }},
		"family":             {owner, false, func(p *repo.RunListParams) { p.Family = "restore.execute" }},
		"environment":        {owner, false, func(p *repo.RunListParams) { p.EnvironmentID = &small }},
		"no run":             {owner, false, func(p *repo.RunListParams) { p.Outcome = "blocked" }},
		"granted":            {scoped, true, func(*repo.RunListParams) {}},
		"granted, outcome":   {scoped, true, func(p *repo.RunListParams) { p.Outcome = "failed" }},
		"big grant, family":  {scopedBig, true, func(p *repo.RunListParams) { p.Family = "restore.execute" }},
		"big grant, outcome": {scopedBig, true, func(p *repo.RunListParams) { p.Outcome = "failed" }},
		"stale":              {owner, false, stale},
		"big grant, stale":   {scopedBig, true, stale},
	} {
		params := c.p
		c.filter(&params)
		sql, args := repo.RunListQuery(params, c.granted)
		var plan []map[string]any
		require.NoError(t, pool.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+sql, args...).Scan(&plan))
		read := pagesReadFrom(plan[0]["Plan"].(map[string]any), "operation_runs")
		assert.LessOrEqual(t, read, 10.0, "%s: the hub read %v pages of runs and their indexes for at most one match", name, read)
	}
}

// pagesReadFrom sums the buffer pages (of the table and its indexes) that
// the scans of table in plan touched: a walk that reads or skips every run
// touches hundreds, a walk that stops at its rows a handful.
func pagesReadFrom(plan map[string]any, table string) float64 {
	n := 0.0
	if plan["Relation Name"] == table {
		hit, _ := plan["Shared Hit Blocks"].(float64)
		read, _ := plan["Shared Read Blocks"].(float64)
		n += hit + read
	}
	children, _ := plan["Plans"].([]any)
	for _, c := range children {
		n += pagesReadFrom(c.(map[string]any), table)
	}
	return n
}

// A member with environment grants reads a page merged from one walk per
// granted environment: every page must equal the everyone-sees-all listing
// restricted to the granted environments, in the same order (ties on
// created_at broken by id), under every filter and across pages.
func TestHubPagesOfGrantedEnvironmentsMergeInOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "w")
	envs := make([]int64, 3)
	for i := range envs {
		envs[i] = newEnvironment(t, pool, ws, "env "+itoa(int64(i)))
	}
	granted := map[int64]bool{envs[0]: true, envs[2]: true}
	_, err := pool.Exec(ctx, `insert into workspace_members (workspace_id, subject, role, all_environments)
		values ($1, 'owner', 'owner', true), ($1, 'scoped', 'readonly', false)`, ws)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `insert into member_environment_grants (workspace_id, subject, managed_environment_id)
		values ($1, 'scoped', $2), ($1, 'scoped', $3)`, ws, envs[0], envs[2])
	require.NoError(t, err)
	// 120 runs over the three environments and none, with created_at ties
	// across environments, of two families and three outcomes.
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, managed_environment_id, type, status, outcome, started_at, completed_at, created_at)
		select $1, (array[$2::bigint, $3::bigint, $4::bigint, null])[1 + (g * 7) % 4],
			case when g % 3 = 0 then 'inventory_sync' else 'backup.schedule.execute' end,
			'completed', (array['succeeded', 'failed', 'blocked'])[1 + g % 3], now(), now(),
			now() - (g / 5) * interval '1 minute'
		from generate_series(1, 120) g`, ws, envs[0], envs[1], envs[2])
	require.NoError(t, err)

	walk := func(p repo.RunListParams) []int64 {
		var ids []int64
		for pages := 1; ; pages++ {
			require.LessOrEqual(t, pages, 120, "the pages never end: the cursor does not advance")
			var page repo.RunPage
			_, err := repo.RunListForMember(ctx, pool, p, &page)
			require.NoError(t, err)
			for _, r := range page.Runs {
				ids = append(ids, r.ID)
			}
			if len(page.Runs) < p.Limit {
				return ids
			}
			last := page.Runs[len(page.Runs)-1]
			p.After = &repo.RunPosition{CreatedAt: last.CreatedAt, ID: last.ID}
		}
	}
	for name, filter := range map[string]func(*repo.RunListParams){
		"none":                func(*repo.RunListParams) {},
		"outcome":             func(p *repo.RunListParams) { p.Outcome = "failed" },
		"family":              func(p *repo.RunListParams) { p.Family = "inventory.sync" },
		"granted environment": func(p *repo.RunListParams) { p.EnvironmentID = &envs[2] },
		"other environment":   func(p *repo.RunListParams) { p.EnvironmentID = &envs[1] },
	} {
		everything := repo.RunListParams{WorkspaceID: ws, Subject: "owner", Limit: 1000}
		filter(&everything)
		var page repo.RunPage
		_, err := repo.RunListForMember(ctx, pool, everything, &page)
		require.NoError(t, err)
		var want []int64
		for _, r := range page.Runs {
			if r.EnvironmentID != nil && granted[*r.EnvironmentID] {
				want = append(want, r.ID)
			}
		}
		scoped := repo.RunListParams{WorkspaceID: ws, Subject: "scoped", Limit: 7}
		filter(&scoped)
		require.Equal(t, want, walk(scoped), name)
		if name != "other environment" {
			require.NotEmpty(t, want, "%s: the case must show something", name)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The stale page's statement text is the same on every request of a
// process (its thresholds are literals), so PostgreSQL settles on a generic
// plan for it after its first custom ones instead of planning each page
// anew; and that plan, like the custom ones, walks the workspace's own open
// runs, not another workspace's backlog of fresh ones.
func TestHubStalePageKeepsAGenericPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "w")
	busy := newWorkspace(t, pool, "busy")
	_, err := pool.Exec(ctx, `insert into managed_environments (workspace_id, name) select $1, 'Tenant ' || e from generate_series(1, 4) e`, ws)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `insert into workspace_members (workspace_id, subject, role) values ($1, 'owner', 'owner')`, ws)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, benchdata.RunsSQL, ws, 20_000)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `insert into operation_runs (workspace_id, type, status, created_at)
		select $1, 'inventory.sync', 'queued', now() from generate_series(1, 20000)`, busy)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `vacuum analyze`)
	require.NoError(t, err)

	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	p := repo.RunListParams{WorkspaceID: ws, Subject: "owner", Limit: 51, Stale: new(true),
		Thresholds: repo.ThresholdsOf(domain.DefaultStaleness())}
	var page repo.RunPage
	for range 10 {
		p.Now = time.Now()
		_, err := repo.RunListForMember(ctx, conn, p, &page)
		require.NoError(t, err)
		require.Len(t, page.Runs, 51)
	}
	sql, _ := repo.RunListQuery(p, false)
	var generic, custom int64
	require.NoError(t, conn.QueryRow(ctx, `select generic_plans, custom_plans from pg_prepared_statements where statement = $1`, sql).
		Scan(&generic, &custom))
	assert.Positive(t, generic, "generic plans (custom: %d)", custom)

	_, err = conn.Exec(ctx, `set plan_cache_mode = force_generic_plan`)
	require.NoError(t, err)
	defer conn.Exec(ctx, `reset plan_cache_mode`) //nolint:errcheck // the connection is the test's
	sql, args := repo.RunListQuery(p, false)
	var plan []map[string]any
	require.NoError(t, conn.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+sql, args...).Scan(&plan))
	read := pagesReadFrom(plan[0]["Plan"].(map[string]any), "operation_runs")
	assert.LessOrEqual(t, read, 150.0, "the generic plan read %v pages of runs and their indexes for 51 stale runs", read)

}
