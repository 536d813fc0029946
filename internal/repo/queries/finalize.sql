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
-- The runs come as parallel arrays (ids, seen, outcomes, completed_at) and
-- two JSON arrays, summaries and reconciliations, one element per run,
-- zipped by ROWS FROM. Each JSON array is one parameter: the database parses
-- it once and hands out its elements without parsing them again, where a
-- jsonb[] parameter is 2,000 documents to bind and parse per batch of 1,000.
--
-- It returns the rows it wrote. with_runs false leaves out their documents
-- (context, summary_counts, failures), already in the UPDATE's RETURNING:
-- the sweep writes thousands of runs and needs none of them back.
WITH v AS (
    SELECT * FROM ROWS FROM (
        unnest(@ids::bigint[]),
        unnest(@seen::timestamptz[]),
        unnest(@outcomes::text[]),
        unnest(@completed_at::timestamptz[]),
        jsonb_array_elements(@summaries::jsonb),
        jsonb_array_elements(@reconciliations::jsonb)
    ) AS v(id, seen, outcome, completed_at, summary, reconciliation)
), u AS (
    UPDATE operation_runs r SET
        status = 'completed',
        outcome = v.outcome,
        completed_at = v.completed_at,
        summary_counts = r.summary_counts || v.summary,
        context = jsonb_set(r.context, '{reconciliation}', v.reconciliation)
    FROM v
    WHERE r.id = v.id AND r.status <> 'completed' AND r.updated_at = v.seen
    RETURNING r.id, r.workspace_id, r.managed_environment_id, r.type, r.status, r.outcome, r.initiator,
        (CASE WHEN @with_runs::boolean THEN r.context END)::jsonb AS context,
        (CASE WHEN @with_runs THEN r.summary_counts END)::jsonb AS summary_counts,
        (CASE WHEN @with_runs THEN r.failures END)::jsonb AS failures,
        r.created_at, r.started_at, r.last_heartbeat_at, r.completed_at, r.updated_at
)
SELECT u.id, u.workspace_id, u.managed_environment_id, e.name AS environment_name, u.type, u.status,
    u.outcome, u.initiator, u.context, u.summary_counts, u.failures,
    u.created_at, u.started_at, u.last_heartbeat_at, u.completed_at, u.updated_at
FROM u
LEFT JOIN managed_environments e ON e.id = u.managed_environment_id;
