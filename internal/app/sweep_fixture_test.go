package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// expectation is what the sweep must conclude for one fixture case.
type expectation struct {
	outcome, reason string
}

// sweepCases maps context.case of a fixture run to its expected finalization.
var sweepCases = map[string]expectation{
	"inventory_complete":  {"succeeded", "inventory.complete"},
	"inventory_alias_gap": {"partially_succeeded", "inventory.partial_coverage"},
	"inventory_no_proof":  {"failed", "proof.missing"},
	"baseline_complete":   {"succeeded", "baseline.captured"},
	"baseline_blocked":    {"blocked", "baseline.blocked"},
	"backup_skipped":      {"blocked", "backup.skipped"},
	"backup_complete":     {"succeeded", "backup.complete"},
	"policy_sync":         {"failed", "run.stale"},
	"restore_queued":      {"failed", "run.stale"},
}

// fixture seeds, in one workspace, n stale runs cycling through sweepCases
// (with their proof rows), plus fresh and completed runs that a sweep must
// not touch, and member "operator", who may reconcile by hand.
type fixture struct {
	ws             int64
	stale          int
	completedByJob int
}

func seedFixture(t testing.TB, pool *pgxpool.Pool, n int, now time.Time) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{stale: n}
	var env, profile, schedule int64
	require.NoError(t, pool.QueryRow(ctx, `insert into workspaces (slug, name) values ('sweep', 'Sweep') returning id`).Scan(&f.ws))
	_, err := pool.Exec(ctx, `insert into workspace_members (workspace_id, subject, role) values ($1, 'operator', 'operator')`, f.ws)
	require.NoError(t, err)
	require.NoError(t, pool.QueryRow(ctx, `insert into managed_environments (workspace_id, name) values ($1, 'Prod') returning id`, f.ws).Scan(&env))
	require.NoError(t, pool.QueryRow(ctx, `insert into baseline_profiles (workspace_id, name) values ($1, 'Baseline') returning id`, f.ws).Scan(&profile))
	require.NoError(t, pool.QueryRow(ctx, `insert into backup_schedules (workspace_id, managed_environment_id, name) values ($1, $2, 'Nightly') returning id`, f.ws, env).Scan(&schedule))

	_, err = pool.Exec(ctx, `
		WITH spec(k, case_name, type, status, context) AS (VALUES
			(0, 'inventory_complete', 'inventory.sync', 'running',
				'{"inventory": {"attempted_types": ["deviceConfiguration"], "coverage": {"deviceConfiguration": {"status": "succeeded", "item_count": 1}}}}'::jsonb),
			(1, 'inventory_alias_gap', 'inventory_sync', 'running',
				'{"inventory": {"attempted_types": ["deviceConfiguration", "compliancePolicy"], "coverage": {"deviceConfiguration": {"status": "succeeded", "item_count": 1}, "compliancePolicy": {"status": "failed", "error_code": "graph_throttled"}}}}'),
			(2, 'inventory_no_proof', 'inventory.sync', 'running', '{}'),
			(3, 'baseline_complete', 'baseline.capture', 'running', '{"baseline_capture": {}}'),
			(4, 'baseline_blocked', 'baseline.capture', 'running',
				'{"baseline_capture": {"eligibility": {"status": "blocked", "reason_code": "inventory_not_ready"}}}'),
			(5, 'backup_skipped', 'backup.schedule.execute', 'running',
				'{"backup_schedule": {"skip_reason": {"reason_code": "schedule_disabled"}}}'),
			(6, 'backup_complete', 'backup.schedule.execute', 'running', '{}'),
			(7, 'policy_sync', 'policy.sync', 'running', '{}'),
			(8, 'restore_queued', 'restore.execute', 'queued', '{}'))
		INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, context, created_at, started_at, last_heartbeat_at)
		SELECT $1, $2, s.type, s.status, s.context || jsonb_build_object('case', s.case_name),
			$3::timestamptz - interval '5 hours',
			CASE WHEN s.status = 'running' THEN $3::timestamptz - interval '4 hours' END,
			CASE WHEN s.status = 'running' THEN $3::timestamptz - interval '3 hours' END
		FROM generate_series(0, $4::int - 1) g JOIN spec s ON s.k = g % 9
		ORDER BY g`, f.ws, env, now, n)
	require.NoError(t, err)

	// Proof rows, set-based.
	_, err = pool.Exec(ctx, `INSERT INTO inventory_items (workspace_id, managed_environment_id, policy_type, external_id, last_seen_operation_run_id, last_seen_at)
		SELECT workspace_id, managed_environment_id, 'deviceConfiguration', 'item-' || id, id, $2
		FROM operation_runs WHERE workspace_id = $1 AND context->>'case' IN ('inventory_complete', 'inventory_alias_gap')`, f.ws, now)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO baseline_snapshots (workspace_id, managed_environment_id, baseline_profile_id, operation_run_id, item_count)
		SELECT workspace_id, managed_environment_id, $2, id, 10
		FROM operation_runs WHERE workspace_id = $1 AND context->>'case' = 'baseline_complete'`, f.ws, profile)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `WITH sets AS (
			INSERT INTO backup_sets (workspace_id, managed_environment_id, backup_schedule_id, operation_run_id, status, item_count)
			SELECT workspace_id, managed_environment_id, $2, id, 'running', 2
			FROM operation_runs WHERE workspace_id = $1 AND context->>'case' = 'backup_complete'
			RETURNING id)
		INSERT INTO backup_items (backup_set_id, policy_type, external_id, status, assignments_status)
		SELECT sets.id, 'deviceConfiguration', 'x' || sets.id || '-' || i, 'captured', 'captured'
		FROM sets, generate_series(1, 2) i`, f.ws, schedule)
	require.NoError(t, err)

	// Fresh runs (recent heartbeat or queued just now) and runs their jobs completed.
	_, err = pool.Exec(ctx, `INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, created_at, started_at, last_heartbeat_at)
		SELECT $1, $2, (ARRAY['inventory.sync', 'baseline.capture', 'backup.schedule.execute', 'policy.sync'])[1 + g % 4],
			CASE WHEN g % 5 = 0 THEN 'queued' ELSE 'running' END,
			$3::timestamptz - interval '5 minutes',
			CASE WHEN g % 5 <> 0 THEN $3::timestamptz - interval '4 minutes' END,
			CASE WHEN g % 5 <> 0 THEN $3::timestamptz - interval '1 minute' END
		FROM generate_series(1, 200) g`, f.ws, env, now)
	require.NoError(t, err)
	tag, err := pool.Exec(ctx, `INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, outcome, created_at, started_at, completed_at)
		SELECT $1, $2, 'inventory.sync', 'completed', 'succeeded', $3::timestamptz - interval '9 hours',
			$3::timestamptz - interval '9 hours', $3::timestamptz - interval '8 hours'
		FROM generate_series(1, 100) g`, f.ws, env, now)
	require.NoError(t, err)
	f.completedByJob = int(tag.RowsAffected())
	return f
}

// installAudit records every transition of a run to completed, and every
// write to a run that was already completed, so tests can count finalizations.
func installAudit(t testing.TB, pool *pgxpool.Pool) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `
		CREATE TABLE audit (run_id bigint, event text);
		CREATE FUNCTION audit_runs() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF OLD.status = 'completed' THEN
				INSERT INTO audit VALUES (NEW.id, 'wrote_completed');
			ELSIF NEW.status = 'completed' THEN
				INSERT INTO audit VALUES (NEW.id, 'completed');
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER audit_runs AFTER UPDATE ON operation_runs FOR EACH ROW EXECUTE FUNCTION audit_runs();`)
	require.NoError(t, err)
}
