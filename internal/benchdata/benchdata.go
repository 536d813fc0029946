// Package benchdata holds the run dataset the HTTP benchmarks share: the
// load benchmark (cmd/benchapi) and the hub's Go benchmark seed the same shape.
package benchdata

// RunsSQL inserts $2 runs into workspace $1 in one statement: 2% running
// (half of them stale), 1% queued, the rest completed with every outcome; a
// tenth carry a reconciliation, every run an inventory-sized context.
const RunsSQL = `
WITH envs AS (SELECT array_agg(id ORDER BY id) AS ids FROM managed_environments WHERE workspace_id = $1),
s AS (
	SELECT g,
		now() - g * interval '13 seconds' AS created,
		CASE WHEN g % 50 = 0 THEN 'running' WHEN g % 97 = 0 THEN 'queued' ELSE 'completed' END AS status
	FROM generate_series(1, $2::int) g
)
INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, outcome, initiator,
	context, summary_counts, failures, created_at, started_at, last_heartbeat_at, completed_at)
SELECT $1,
	CASE WHEN g % 23 = 0 THEN NULL ELSE envs.ids[1 + g % 4] END,
	(ARRAY['inventory.sync', 'baseline.capture', 'backup.schedule.execute', 'inventory_sync', 'policy.sync'])[1 + g % 5],
	status,
	CASE WHEN status = 'completed'
		THEN (ARRAY['succeeded', 'succeeded', 'partially_succeeded', 'blocked', 'failed', 'cancelled'])[1 + g % 6]
		ELSE 'pending' END,
	'scheduler',
	jsonb_build_object('inventory', jsonb_build_object(
		'attempted_types', jsonb_build_array('deviceConfiguration', 'compliancePolicy', 'appProtection'),
		'coverage', jsonb_build_object(
			'deviceConfiguration', jsonb_build_object('status', 'succeeded', 'item_count', g % 40),
			'compliancePolicy', jsonb_build_object('status', 'failed', 'error_code', 'graph_throttled'),
			'appProtection', jsonb_build_object('status', 'skipped', 'reason_code', 'provider_permission_missing'))))
	|| CASE WHEN g % 10 = 0 AND status = 'completed' THEN jsonb_build_object('reconciliation', jsonb_build_object(
		'decision', 'finalized', 'outcome', 'partially_succeeded', 'reason_code', 'inventory.partial_coverage',
		'explanation', 'Inventory partly captured: 1 of 3 policy types succeeded; 1 failed (graph_throttled), 1 skipped.',
		'proof', jsonb_build_object('attempted', 3, 'succeeded', 1), 'links', '[]'::jsonb, 'source', 'sweep',
		'actor', 'system', 'adapter', 'inventory.sync/v1', 'previous_status', 'running',
		'reconciled_at', created + interval '2 hours')) ELSE '{}'::jsonb END,
	jsonb_build_object('succeeded', g % 12, 'failed', g % 3),
	CASE WHEN g % 6 = 4 THEN '[{"code": "graph_throttled"}]'::jsonb ELSE '[]'::jsonb END,
	created,
	CASE WHEN status <> 'queued' THEN created + interval '5 seconds' END,
	CASE WHEN status = 'running' AND g % 100 <> 0 THEN now() - interval '1 minute'
		WHEN status <> 'queued' THEN created + interval '1 minute' END,
	CASE WHEN status = 'completed' THEN created + interval '10 minutes' END
FROM s, envs`
