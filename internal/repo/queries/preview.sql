-- The sweep preview: what a sweep would do now to the stale runs a member
-- sees, read without locks.

-- name: RunReadStaleForMember :many
-- The open runs of one workspace that are stale at now and that the member
-- sees, in id order, without locks: what a sweep would claim of them, under
-- the stale condition of stale.sql.
SELECT sqlc.embed(r), e.name AS environment_name
FROM operation_runs r
JOIN workspace_members m ON m.workspace_id = r.workspace_id AND m.subject = @subject
LEFT JOIN managed_environments e ON e.id = r.managed_environment_id
WHERE r.status <> 'completed' AND r.workspace_id = @workspace_id
  AND (sqlc.narg(environment_id)::bigint IS NULL OR r.managed_environment_id = sqlc.narg(environment_id))
  AND (sqlc.narg(family)::text IS NULL OR run_family(r.type) = sqlc.narg(family))
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = r.managed_environment_id))
  AND (
    (r.status = 'queued' AND r.created_at < sqlc.arg(now)::timestamptz - sqlc.arg(queued_after)::interval)
    OR (r.status = 'running' AND coalesce(r.last_heartbeat_at, r.started_at, r.created_at) <
      sqlc.arg(now)::timestamptz - coalesce(
        (sqlc.arg(afters)::interval[])[array_position(sqlc.arg(types)::text[], r.type)],
        sqlc.arg(running_default)::interval)))
ORDER BY r.id
LIMIT sqlc.arg(max_runs)::bigint;
