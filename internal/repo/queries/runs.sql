-- Runs as the domain reads them: every column of operation_runs, with the
-- name of the run's environment when it has one.

-- name: RunGet :one
SELECT sqlc.embed(r), e.name AS environment_name
FROM operation_runs r
LEFT JOIN managed_environments e ON e.id = r.managed_environment_id
WHERE r.workspace_id = @workspace_id AND r.id = @id;

-- name: RunsByID :many
SELECT sqlc.embed(r), e.name AS environment_name
FROM operation_runs r
LEFT JOIN managed_environments e ON e.id = r.managed_environment_id
WHERE r.id = ANY(@ids::bigint[]);

-- name: RunGetWholeForMember :one
-- The run and the caller's role, under the visibility rule of
-- RunViewForMember.
SELECT sqlc.embed(r), e.name AS environment_name, m.role
FROM operation_runs r
LEFT JOIN managed_environments e ON e.id = r.managed_environment_id
JOIN workspace_members m ON m.workspace_id = r.workspace_id AND m.subject = @subject
WHERE r.workspace_id = @workspace_id AND r.id = @id
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = r.managed_environment_id));

-- name: RunViewForMember :one
-- The run as the API renders it, and the caller's role. A member without
-- all_environments sees only the runs of the environments granted to it (so
-- never a run without an environment); the hub's queries (hub.go) apply the
-- same rule. summary_counts and context.reconciliation come from their text
-- copies (migration 00003), which cost PostgreSQL no jsonb serialization; the
-- raw context and failures only with diagnostics.
SELECT m.role, r.id, r.managed_environment_id, e.name AS environment_name, r.type, r.status, r.outcome,
    r.summary_counts_text, r.reconciliation_text,
    r.created_at, r.started_at, r.last_heartbeat_at, r.completed_at,
    (CASE WHEN @diagnostics::boolean THEN r.context END)::jsonb AS context,
    (CASE WHEN @diagnostics THEN r.failures END)::jsonb AS failures
FROM operation_runs r
LEFT JOIN managed_environments e ON e.id = r.managed_environment_id
JOIN workspace_members m ON m.workspace_id = r.workspace_id AND m.subject = @subject
WHERE r.workspace_id = @workspace_id AND r.id = @id
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = r.managed_environment_id));
