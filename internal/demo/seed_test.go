package demo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/demo"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// tables are every table the seed may write.
var tables = []string{
	"workspaces", "managed_environments", "workspace_members", "member_environment_grants",
	"operation_runs", "inventory_items", "baseline_profiles", "baseline_snapshots",
	"backup_schedules", "backup_sets", "backup_items",
}

// fingerprint returns, per table, its row count and a digest of every row.
func fingerprint(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	out := make(map[string]string, len(tables))
	for _, table := range tables {
		var n int64
		var digest string
		require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*),
			coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM `+table+` t`).Scan(&n, &digest))
		out[table] = fmt.Sprintf("%d rows, %s", n, digest)
	}
	return out
}

// counts returns the row count of every table.
func counts(t *testing.T, pool *pgxpool.Pool) map[string]int64 {
	t.Helper()
	out := make(map[string]int64, len(tables))
	for _, table := range tables {
		var n int64
		require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n))
		out[table] = n
	}
	return out
}

func TestSeedTwiceWritesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()

	first, err := demo.Seed(ctx, pool, now, false)
	require.NoError(t, err)
	require.True(t, first.Created)
	before := fingerprint(t, pool)
	require.NotZero(t, counts(t, pool)["operation_runs"])

	second, err := demo.Seed(ctx, pool, now.Add(time.Hour), false)
	require.NoError(t, err)
	require.Equal(t, demo.Result{WorkspaceID: first.WorkspaceID, Created: false}, second)
	require.Equal(t, before, fingerprint(t, pool))
}

func TestSeedResetRecreates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()

	var bystander int64
	require.NoError(t, pool.QueryRow(ctx,
		`INSERT INTO workspaces (slug, name) VALUES ('bystander', 'Not the demo') RETURNING id`).Scan(&bystander))

	first, err := demo.Seed(ctx, pool, now, false)
	require.NoError(t, err)
	before := counts(t, pool)

	again, err := demo.Seed(ctx, pool, now, true)
	require.NoError(t, err)
	require.True(t, again.Created)
	require.NotEqual(t, first.WorkspaceID, again.WorkspaceID)
	require.Equal(t, before, counts(t, pool))

	var slugs []string
	rows, err := pool.Query(ctx, `SELECT slug FROM workspaces ORDER BY slug`)
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		slugs = append(slugs, s)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"bystander", "demo", "demo-elsewhere"}, slugs)
}

func TestSeedConcurrentCreatesOnce(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	now := time.Now()

	const n = 4
	results := make([]demo.Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i], errs[i] = demo.Seed(context.Background(), pool, now, false) })
	}
	wg.Wait()

	created := 0
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, results[0].WorkspaceID, results[i].WorkspaceID)
		if results[i].Created {
			created++
		}
	}
	require.Equal(t, 1, created)
}

func TestSeedCoversEveryProofSituation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	res, err := demo.Seed(ctx, pool, now, false)
	require.NoError(t, err)
	ws := res.WorkspaceID

	t.Run("runs by family and state", func(t *testing.T) {
		rows, err := pool.Query(ctx, `SELECT type, status, created_at, started_at, last_heartbeat_at
			FROM operation_runs WHERE workspace_id = $1`, ws)
		require.NoError(t, err)
		got := map[string]map[string]int{}
		aliased := map[string]bool{}
		staleness := reconcile.DefaultStaleness()
		for rows.Next() {
			var typ, status string
			var created time.Time
			var started, heartbeat *time.Time
			require.NoError(t, rows.Scan(&typ, &status, &created, &started, &heartbeat))
			family := reconcile.Canonical(typ)
			if family != typ {
				aliased[family] = true
			}
			state := "fresh"
			switch {
			case status == reconcile.StatusCompleted:
				state = "completed"
			case staleness.IsStale(repo.Run{Type: typ, Status: status, CreatedAt: created, StartedAt: started, LastHeartbeatAt: heartbeat}, now):
				state = "stale"
			}
			if got[family] == nil {
				got[family] = map[string]int{}
			}
			got[family][state]++
		}
		require.NoError(t, rows.Err())
		require.Equal(t, map[string]map[string]int{
			"inventory.sync":          {"stale": 8, "fresh": 1, "completed": 2},
			"baseline.capture":        {"stale": 8, "completed": 2},
			"backup.schedule.execute": {"stale": 8, "fresh": 1, "completed": 1},
			"policy.sync":             {"stale": 1, "completed": 1},
			"backup_set.update":       {"stale": 1},
		}, got)
		require.Equal(t, map[string]bool{
			"inventory.sync": true, "baseline.capture": true, "backup.schedule.execute": true,
		}, aliased)
	})

	t.Run("runs and members stay in the demo workspace", func(t *testing.T) {
		var outside, inOther int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM operation_runs r
			LEFT JOIN managed_environments e ON e.id = r.managed_environment_id AND e.workspace_id = $1
			WHERE r.workspace_id = $1 AND e.id IS NULL`, ws).Scan(&outside))
		require.Zero(t, outside, "runs without an environment of the demo workspace")
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM operation_runs WHERE workspace_id <> $1`, ws).Scan(&inOther))
		require.Zero(t, inOther, "runs outside the demo workspace")

		rows, err := pool.Query(ctx, `SELECT m.subject, m.role, m.all_environments,
				coalesce(string_agg(e.name, ',' ORDER BY e.name), '')
			FROM workspace_members m
			LEFT JOIN member_environment_grants g ON g.workspace_id = m.workspace_id AND g.subject = m.subject
			LEFT JOIN managed_environments e ON e.id = g.managed_environment_id
			WHERE m.workspace_id = $1 GROUP BY 1, 2, 3 ORDER BY 1`, ws)
		require.NoError(t, err)
		var members []string
		for rows.Next() {
			var subject, role, grants string
			var all bool
			require.NoError(t, rows.Scan(&subject, &role, &all, &grants))
			members = append(members, fmt.Sprintf("%s %s all=%t [%s]", subject, role, all, grants))
		}
		require.NoError(t, rows.Err())
		require.Equal(t, []string{
			"demo owner all=true []",
			"scoped operator all=false [Contoso Production]",
			"viewer readonly all=true []",
		}, members)
		require.Len(t, demo.Members(), 3)
	})

	// Each row: claimed items of succeeded coverage / items last seen in scope / out of scope.
	t.Run("inventory proof", func(t *testing.T) {
		got := scenarios(t, pool, ws, reconcile.FamilyInventorySync, `
			SELECT r.context->>'demo_scenario', format('%s/%s/%s',
				coalesce((SELECT sum((c.value->>'item_count')::int) FROM jsonb_each(r.context->'inventory'->'coverage') c
					WHERE c.value->>'status' = 'succeeded'), 0),
				(SELECT count(*) FROM inventory_items i WHERE i.last_seen_operation_run_id = r.id
					AND i.workspace_id = r.workspace_id AND i.managed_environment_id = r.managed_environment_id),
				(SELECT count(*) FROM inventory_items i WHERE i.last_seen_operation_run_id = r.id
					AND (i.workspace_id <> r.workspace_id OR i.managed_environment_id <> r.managed_environment_id)))
			FROM operation_runs r WHERE r.workspace_id = $1 AND r.type = ANY($2)`)
		require.Equal(t, map[string]string{
			"inventory.complete":      "22/22/0",
			"inventory.partial":       "8/8/0",
			"inventory.blocked":       "0/0/0",
			"inventory.failed":        "0/0/0",
			"inventory.missing":       "0/0/0",
			"inventory.wrong_scope":   "6/0/6",
			"inventory.unverified":    "40/0/0",
			"inventory.alias_partial": "8/8/0",
			"fresh.inventory":         "7/7/0",
			"completed.inventory":     "7/7/0",
			"history.inventory":       "12/12/0",
		}, got)
	})

	// Each row: where the pointer leads / in-scope snapshots of this run / gap_count of the pointed one.
	t.Run("baseline proof", func(t *testing.T) {
		got := scenarios(t, pool, ws, reconcile.FamilyBaselineCapture, `
			SELECT r.context->>'demo_scenario', format('%s/%s/%s',
				CASE WHEN s.id IS NULL THEN 'none'
					WHEN s.workspace_id = r.workspace_id AND s.managed_environment_id = r.managed_environment_id
						AND s.baseline_profile_id = (r.context->'baseline_capture'->>'baseline_profile_id')::bigint
						AND s.operation_run_id = r.id THEN 'valid'
					ELSE 'out_of_scope' END,
				(SELECT count(*) FROM baseline_snapshots c WHERE c.operation_run_id = r.id
					AND c.workspace_id = r.workspace_id AND c.managed_environment_id = r.managed_environment_id),
				coalesce(s.gap_count, -1))
			FROM operation_runs r
			LEFT JOIN baseline_snapshots s ON s.id = (r.context->'baseline_capture'->>'baseline_snapshot_id')::bigint
			WHERE r.workspace_id = $1 AND r.type = ANY($2)`)
		require.Equal(t, map[string]string{
			"baseline.complete":       "valid/1/0",
			"baseline.partial":        "valid/1/3",
			"baseline.blocked":        "none/0/-1",
			"baseline.failed":         "none/0/-1",
			"baseline.missing":        "none/0/-1",
			"baseline.wrong_scope":    "out_of_scope/0/0",
			"baseline.ambiguous":      "none/2/-1",
			"baseline.alias_complete": "valid/1/0",
			"completed.baseline":      "none/0/-1",
			"history.baseline":        "valid/1/0",
		}, got)
	})

	// Each row: where the pointer leads / in-scope sets of this run /
	// expected, captured, failed, assignments missing of the pointed set.
	t.Run("backup proof", func(t *testing.T) {
		got := scenarios(t, pool, ws, reconcile.FamilyBackupScheduleExecute, `
			SELECT r.context->>'demo_scenario', format('%s/%s/%s',
				CASE WHEN s.id IS NULL THEN 'none'
					WHEN s.workspace_id = r.workspace_id AND s.managed_environment_id = r.managed_environment_id
						AND s.backup_schedule_id = (r.context->>'backup_schedule_id')::bigint
						AND s.operation_run_id = r.id THEN 'valid'
					ELSE 'out_of_scope' END,
				(SELECT count(*) FROM backup_sets c WHERE c.operation_run_id = r.id
					AND c.workspace_id = r.workspace_id AND c.managed_environment_id = r.managed_environment_id),
				CASE WHEN s.id IS NULL THEN '-' ELSE concat_ws(',', s.item_count,
					(SELECT count(*) FROM backup_items i WHERE i.backup_set_id = s.id AND i.status = 'captured'),
					(SELECT count(*) FROM backup_items i WHERE i.backup_set_id = s.id AND i.status = 'failed'),
					(SELECT count(*) FROM backup_items i WHERE i.backup_set_id = s.id AND i.assignments_status IN ('missing', 'failed')))
				END)
			FROM operation_runs r LEFT JOIN backup_sets s ON s.id = (r.context->>'backup_set_id')::bigint
			WHERE r.workspace_id = $1 AND r.type = ANY($2)`)
		require.Equal(t, map[string]string{
			"backup.complete":      "valid/1/5,5,0,0",
			"backup.partial":       "valid/1/5,4,1,1",
			"backup.blocked":       "none/0/-",
			"backup.failed":        "valid/1/2,0,2,0",
			"backup.missing":       "none/0/-",
			"backup.wrong_scope":   "out_of_scope/0/5,5,0,0",
			"backup.ambiguous":     "none/2/-",
			"backup.alias_blocked": "none/0/-",
			"fresh.backup_queued":  "none/0/-",
			"completed.backup":     "valid/1/5,4,1,0",
		}, got)

		var reason string
		require.NoError(t, pool.QueryRow(ctx, `SELECT r.context->'backup_schedule'->'skip_reason'->>'reason_code'
			FROM operation_runs r JOIN backup_schedules b ON b.id = (r.context->>'backup_schedule_id')::bigint
			WHERE r.workspace_id = $1 AND r.context->>'demo_scenario' = 'backup.blocked' AND NOT b.enabled`, ws).Scan(&reason))
		require.Equal(t, "schedule_disabled", reason)
	})
}

// scenarios runs query (parameters: workspace, the family's type strings),
// which returns (scenario, summary) rows, and collects them.
func scenarios(t *testing.T, pool *pgxpool.Pool, ws int64, family, query string) map[string]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), query, ws, reconcile.TypesOf(family))
	require.NoError(t, err)
	out := map[string]string{}
	for rows.Next() {
		var name, summary string
		require.NoError(t, rows.Scan(&name, &summary))
		out[name] = summary
	}
	require.NoError(t, rows.Err())
	return out
}
