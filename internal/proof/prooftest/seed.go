package prooftest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/repo"
)

// seedMixedSQL writes n stale running runs in w's workspace and environment,
// cycling through the three supported families, each with realistic proof:
// inventory runs cover 3 policy types (one partly) with 22 items observed;
// baseline runs point to their snapshot; backup runs point to their set of
// 10 expected items (9 captured, 1 failed).
var seedMixedSQL = []string{
	`INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, created_at, started_at, last_heartbeat_at)
	SELECT $1, $2, (ARRAY['inventory.sync', 'baseline.capture', 'backup.schedule.execute'])[g % 3 + 1], 'running',
		now() - interval '3 hours', now() - interval '3 hours', now() - interval '2 hours'
	FROM generate_series(0, $3::int - 1) g`,

	`UPDATE operation_runs SET context = CASE WHEN id % 2 = 0
		THEN '{"inventory": {"attempted_types": ["deviceConfiguration", "compliancePolicy", "appProtection"],
			"coverage": {"deviceConfiguration": {"status": "succeeded", "item_count": 12},
				"compliancePolicy": {"status": "succeeded", "item_count": 6},
				"appProtection": {"status": "succeeded", "item_count": 4}}}}'::jsonb
		ELSE '{"inventory": {"attempted_types": ["deviceConfiguration", "compliancePolicy", "appProtection"],
			"coverage": {"deviceConfiguration": {"status": "succeeded", "item_count": 12},
				"compliancePolicy": {"status": "succeeded", "item_count": 10},
				"appProtection": {"status": "failed", "error_code": "graph_throttled"}}}}'::jsonb END
	WHERE workspace_id = $1 AND type = 'inventory.sync' AND status = 'running'`,
	`INSERT INTO inventory_items (workspace_id, managed_environment_id, policy_type, external_id, last_seen_operation_run_id, last_seen_at)
	SELECT r.workspace_id, r.managed_environment_id, t.policy_type, r.id || ':' || t.policy_type || ':' || g, r.id, now()
	FROM operation_runs r
	CROSS JOIN (VALUES ('deviceConfiguration', 12), ('compliancePolicy', 6), ('appProtection', 4)) AS t(policy_type, n)
	CROSS JOIN LATERAL generate_series(1, t.n) g
	WHERE r.workspace_id = $1 AND r.type = 'inventory.sync' AND r.status = 'running'`,

	`INSERT INTO baseline_snapshots (workspace_id, managed_environment_id, baseline_profile_id, operation_run_id, item_count, gap_count)
	SELECT workspace_id, managed_environment_id, $2, id, 48, id % 2 FROM operation_runs
	WHERE workspace_id = $1 AND type = 'baseline.capture' AND status = 'running'`,
	`UPDATE operation_runs r SET context = jsonb_build_object('baseline_capture', jsonb_build_object(
		'baseline_profile_id', s.baseline_profile_id, 'baseline_snapshot_id', s.id,
		'eligibility', jsonb_build_object('status', 'eligible'), 'gaps', jsonb_build_object('count', s.gap_count),
		'meta_fallback_count', 0))
	FROM baseline_snapshots s WHERE s.operation_run_id = r.id AND r.workspace_id = $1 AND r.status = 'running'`,

	`INSERT INTO backup_sets (workspace_id, managed_environment_id, backup_schedule_id, operation_run_id, status, item_count)
	SELECT workspace_id, managed_environment_id, $2, id, 'running', 10 FROM operation_runs
	WHERE workspace_id = $1 AND type = 'backup.schedule.execute' AND status = 'running'`,
	`INSERT INTO backup_items (backup_set_id, policy_type, external_id, status, assignments_status)
	SELECT s.id, 'deviceConfiguration', s.id || ':' || g, CASE WHEN g = 10 THEN 'failed' ELSE 'captured' END,
		CASE WHEN g = 10 THEN 'not_applicable' ELSE 'captured' END
	FROM backup_sets s CROSS JOIN generate_series(1, 10) g WHERE s.workspace_id = $1`,
	`UPDATE operation_runs r SET context = jsonb_build_object('backup_schedule_id', s.backup_schedule_id, 'backup_set_id', s.id)
	FROM backup_sets s WHERE s.operation_run_id = r.id AND r.workspace_id = $1 AND r.status = 'running'`,
}

// SeedMixed inserts n stale runs of the three supported families with
// realistic proof (see seedMixedSQL) into w, which must hold no other open
// runs, and returns their ids in order. It takes a handful of set-based
// statements whatever n is.
func SeedMixed(t testing.TB, db repo.DBTX, w World, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	args := [][]any{
		{w.WS, w.Env, n},
		{w.WS}, {w.WS},
		{w.WS, w.Profile}, {w.WS},
		{w.WS, w.Schedule}, {w.WS}, {w.WS},
	}
	for i, sql := range seedMixedSQL {
		_, err := db.Exec(ctx, sql, args[i]...)
		require.NoError(t, err, sql)
	}
	rows, err := db.Query(ctx, `SELECT id FROM operation_runs WHERE workspace_id = $1 AND status = 'running' ORDER BY id`, w.WS)
	require.NoError(t, err)
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	require.Len(t, ids, n)
	return ids
}
