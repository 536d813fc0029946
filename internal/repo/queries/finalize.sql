-- name: RunFinalize :many
-- The only statement that writes a run's lifecycle state. It completes each
-- run of the arrays (parallel, one element per run) only while the run is
-- still open and its updated_at is still the one it was judged on, writing
-- status, outcome, completed_at, summary_counts and context.reconciliation
-- together.
--
-- The guard "updated_at = seen" catches every later write to the run row,
-- because the trigger of migration 00001 moves updated_at on each of them.
-- It catches late proof only because the proof-touch triggers of migration
-- 00002 also move the updated_at of the open runs an artifact is tied to
-- whenever inventory_items, baseline_snapshots, backup_sets or backup_items
-- are written (docs/contract.md, "The proof-touch triggers", tells job
-- writers). Without them, a decision made before the proof was written could
-- still be applied. TestProofWritesLoseTheGuard holds this for each table.
--
-- It returns the rows it wrote. with_runs false leaves out their documents
-- (context, summary_counts, failures): the sweep writes thousands of runs and
-- needs none of them back.
WITH v AS (
    SELECT unnest(@ids::bigint[]) AS id,
        unnest(@seen::timestamptz[]) AS seen,
        unnest(@outcomes::text[]) AS outcome,
        unnest(@completed_at::timestamptz[]) AS completed_at,
        unnest(@summaries::jsonb[]) AS summary,
        unnest(@reconciliations::jsonb[]) AS reconciliation
), u AS (
    UPDATE operation_runs r SET
        status = 'completed',
        outcome = v.outcome,
        completed_at = v.completed_at,
        summary_counts = r.summary_counts || v.summary,
        context = jsonb_set(r.context, '{reconciliation}', v.reconciliation)
    FROM v
    WHERE r.id = v.id AND r.status <> 'completed' AND r.updated_at = v.seen
    RETURNING r.*
)
SELECT u.id, u.workspace_id, u.managed_environment_id, e.name AS environment_name, u.type, u.status,
    u.outcome, u.initiator,
    (CASE WHEN @with_runs::boolean THEN u.context END)::jsonb AS context,
    (CASE WHEN @with_runs THEN u.summary_counts END)::jsonb AS summary_counts,
    (CASE WHEN @with_runs THEN u.failures END)::jsonb AS failures,
    u.created_at, u.started_at, u.last_heartbeat_at, u.completed_at, u.updated_at
FROM u
LEFT JOIN managed_environments e ON e.id = u.managed_environment_id;
