package demo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/demo"
	"github.com/runproof/runproof/internal/domain"
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
		got := map[domain.Family]map[string]int{}
		aliased := map[domain.Family]bool{}
		staleness := domain.DefaultStaleness()
		for rows.Next() {
			var typ, status string
			var created time.Time
			var started, heartbeat *time.Time
			require.NoError(t, rows.Scan(&typ, &status, &created, &started, &heartbeat))
			family := domain.Canonical(typ)
			if string(family) != typ {
				aliased[family] = true
			}
			state := "fresh"
			switch {
			case domain.Status(status) == domain.StatusCompleted:
				state = "completed"
			case staleness.IsStale(domain.Run{Type: typ, Status: domain.Status(status), CreatedAt: created, StartedAt: started, LastHeartbeatAt: heartbeat}, now):
				state = "stale"
			}
			if got[family] == nil {
				got[family] = map[string]int{}
			}
			got[family][state]++
		}
		require.NoError(t, rows.Err())
		require.Equal(t, map[domain.Family]map[string]int{
			"inventory.sync":          {"stale": 8, "fresh": 1, "completed": 3},
			"baseline.capture":        {"stale": 8, "completed": 3},
			"backup.schedule.execute": {"stale": 8, "fresh": 1, "completed": 2},
			"policy.sync":             {"stale": 1, "completed": 1},
			"backup_set.update":       {"stale": 1},
		}, got)
		require.Equal(t, map[domain.Family]bool{
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
	})

	// The engine itself decides every stale scenario as the demo promises, so
	// a change to the seed or to the rules that loses a situation fails here.
	t.Run("every stale scenario decides as promised", func(t *testing.T) {
		want := map[string]string{
			"inventory.complete":            "finalized/succeeded/inventory.complete",
			"inventory.partial":             "finalized/partially_succeeded/inventory.partial_coverage",
			"inventory.blocked":             "finalized/blocked/inventory.blocked",
			"inventory.failed":              "finalized/failed/inventory.failed",
			"inventory.missing":             "not_reconciled/-/proof.missing",
			"inventory.wrong_scope":         "not_reconciled/-/proof.scope_mismatch",
			"inventory.unverified":          "not_reconciled/-/proof.unverified",
			"inventory.alias_partial":       "finalized/partially_succeeded/inventory.partial_coverage",
			"baseline.complete":             "finalized/succeeded/baseline.captured",
			"baseline.partial":              "finalized/partially_succeeded/baseline.gaps",
			"baseline.blocked":              "finalized/blocked/baseline.blocked",
			"baseline.failed":               "finalized/failed/baseline.failed",
			"baseline.missing":              "not_reconciled/-/proof.missing",
			"baseline.wrong_scope":          "not_reconciled/-/proof.scope_mismatch",
			"baseline.ambiguous":            "not_reconciled/-/proof.ambiguous",
			"baseline.alias_complete":       "finalized/succeeded/baseline.captured",
			"backup.complete":               "finalized/succeeded/backup.complete",
			"backup.partial":                "finalized/partially_succeeded/backup.partial",
			"backup.blocked":                "finalized/blocked/backup.skipped",
			"backup.failed":                 "finalized/failed/backup.failed",
			"backup.missing":                "not_reconciled/-/proof.missing",
			"backup.wrong_scope":            "not_reconciled/-/proof.scope_mismatch",
			"backup.ambiguous":              "not_reconciled/-/proof.ambiguous",
			"backup.alias_blocked":          "finalized/blocked/backup.skipped",
			"unsupported.policy_sync":       "unsupported_family/-/family.unsupported",
			"unsupported.backup_set_update": "unsupported_family/-/family.unsupported",
		}
		rows, err := pool.Query(ctx, `SELECT id FROM operation_runs WHERE workspace_id = $1 ORDER BY id`, ws)
		require.NoError(t, err)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(t, err)
		var stale []domain.Run
		for _, id := range ids {
			run, err := repo.RunGet(ctx, pool, ws, id)
			require.NoError(t, err)
			if domain.DefaultStaleness().IsStale(run, now) {
				stale = append(stale, run)
			}
		}
		decisions, err := app.Decide(ctx, pool, stale...)
		require.NoError(t, err)
		got := map[string]string{}
		for i, run := range stale {
			var c struct {
				Scenario string `json:"demo_scenario"`
			}
			require.NoError(t, json.Unmarshal(run.Context, &c))
			d, outcome := decisions[i], "-"
			if d.Outcome != nil {
				outcome = string(*d.Outcome)
			}
			got[c.Scenario] = string(d.Kind) + "/" + outcome + "/" + d.ReasonCode
		}
		require.Equal(t, want, got)
	})

	// The runs runproof completed hold the very record the engine writes:
	// each, judged again as the stale run it was, decides what it records.
	t.Run("reconciled runs hold the engine's record", func(t *testing.T) {
		rows, err := pool.Query(ctx, `SELECT id FROM operation_runs WHERE workspace_id = $1 AND context ? 'reconciliation' ORDER BY id`, ws)
		require.NoError(t, err)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(t, err)
		require.Len(t, ids, 3)
		for _, id := range ids {
			run, err := repo.RunGet(ctx, pool, ws, id)
			require.NoError(t, err)
			var c struct {
				Record domain.Reconciliation `json:"reconciliation"`
			}
			require.NoError(t, json.Unmarshal(run.Context, &c))
			rec := c.Record
			open := run
			open.Status, open.Outcome, open.CompletedAt = rec.PreviousStatus, domain.OutcomePending, nil
			ds, err := app.Decide(ctx, pool, open)
			require.NoError(t, err)
			d := ds[0]
			require.Equal(t, domain.DecisionFinalized, d.Kind, d.Explanation)
			require.Equal(t, run.Outcome, *d.Outcome)
			require.Equal(t, rec.Outcome, run.Outcome)
			require.Equal(t, d.ReasonCode, rec.ReasonCode)
			require.Equal(t, d.Explanation, rec.Explanation)
			require.Equal(t, d.Adapter, rec.Adapter)
			require.Equal(t, d.Links, rec.Links)
			want, err := json.Marshal(d.Proof)
			require.NoError(t, err)
			got, err := json.Marshal(rec.Proof)
			require.NoError(t, err)
			require.JSONEq(t, string(want), string(got))
			require.True(t, rec.ReconciledAt.Equal(*run.CompletedAt))
			var counts map[string]int64
			require.NoError(t, json.Unmarshal(run.SummaryCounts, &counts))
			for k, v := range d.Summary {
				require.Equal(t, v, counts[k], "summary count %s", k)
			}
		}
	})

	t.Run("the blocked backup names the paused schedule", func(t *testing.T) {
		var reason string
		require.NoError(t, pool.QueryRow(ctx, `SELECT r.context->'backup_schedule'->'skip_reason'->>'reason_code'
			FROM operation_runs r JOIN backup_schedules b ON b.id = (r.context->>'backup_schedule_id')::bigint
			WHERE r.workspace_id = $1 AND r.context->>'demo_scenario' = 'backup.blocked' AND NOT b.enabled`, ws).Scan(&reason))
		require.Equal(t, "schedule_disabled", reason)
	})
}
