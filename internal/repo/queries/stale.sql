-- Stale runs: open runs past their threshold at sqlc.arg(now). Queued runs
-- count from created_at; running ones from their last sign of life, against
-- their family's threshold (families and afters are parallel arrays, keyed
-- by run_family of the type, so aliases share it) or running_default. The
-- threshold is looked up with array_position, an expression evaluated per
-- row: a sub-select over unnest() would run as a sub-plan per row, which
-- cost the claim about 4 ms per 1,000 runs. The condition is the same in
-- the three queries and in the hub's stale filter (hub.go).
--
-- Parameters are written sqlc.arg(name): sqlc misreads "- @name".

-- name: RunClaimStale :many
-- Locks the runs it returns; concurrent claims skip each other's.
SELECT sqlc.embed(r), e.name AS environment_name
FROM operation_runs r
LEFT JOIN managed_environments e ON e.id = r.managed_environment_id
WHERE r.status <> 'completed' AND r.id > sqlc.arg(after_id)
  AND (sqlc.narg(through_id)::bigint IS NULL OR r.id <= sqlc.narg(through_id))
  AND (sqlc.narg(workspace_id)::bigint IS NULL OR r.workspace_id = sqlc.narg(workspace_id))
  AND (
    (r.status = 'queued' AND r.created_at < sqlc.arg(now)::timestamptz - sqlc.arg(queued_after)::interval)
    OR (r.status = 'running' AND coalesce(r.last_heartbeat_at, r.started_at, r.created_at) <
      sqlc.arg(now)::timestamptz - coalesce(
        (sqlc.arg(afters)::interval[])[array_position(sqlc.arg(families)::text[], run_family(r.type))],
        sqlc.arg(running_default)::interval)))
ORDER BY r.id
LIMIT sqlc.arg(batch_size)::bigint
FOR UPDATE OF r SKIP LOCKED;

-- name: RunReadStale :many
-- RunClaimStale without the locks.
SELECT sqlc.embed(r), e.name AS environment_name
FROM operation_runs r
LEFT JOIN managed_environments e ON e.id = r.managed_environment_id
WHERE r.status <> 'completed' AND r.id > sqlc.arg(after_id)
  AND (sqlc.narg(through_id)::bigint IS NULL OR r.id <= sqlc.narg(through_id))
  AND (sqlc.narg(workspace_id)::bigint IS NULL OR r.workspace_id = sqlc.narg(workspace_id))
  AND (
    (r.status = 'queued' AND r.created_at < sqlc.arg(now)::timestamptz - sqlc.arg(queued_after)::interval)
    OR (r.status = 'running' AND coalesce(r.last_heartbeat_at, r.started_at, r.created_at) <
      sqlc.arg(now)::timestamptz - coalesce(
        (sqlc.arg(afters)::interval[])[array_position(sqlc.arg(families)::text[], run_family(r.type))],
        sqlc.arg(running_default)::interval)))
ORDER BY r.id
LIMIT sqlc.arg(batch_size)::bigint;

-- name: RunCountStale :one
SELECT count(*) FROM operation_runs r
WHERE r.status <> 'completed'
  AND (
    (r.status = 'queued' AND r.created_at < sqlc.arg(now)::timestamptz - sqlc.arg(queued_after)::interval)
    OR (r.status = 'running' AND coalesce(r.last_heartbeat_at, r.started_at, r.created_at) <
      sqlc.arg(now)::timestamptz - coalesce(
        (sqlc.arg(afters)::interval[])[array_position(sqlc.arg(families)::text[], run_family(r.type))],
        sqlc.arg(running_default)::interval)));
