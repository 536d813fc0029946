-- Stale runs: open runs past their threshold at sqlc.arg(now). Queued runs
-- count from created_at; running ones from their last sign of life, against
-- their family's threshold or running_default. types and afters are
-- parallel arrays: every stored type that names a family with a threshold
-- of its own (its canonical name and its aliases, the table run_family
-- holds too) and that family's threshold. Looking the type up in them is an
-- expression evaluated per row: run_family is a SQL function, executed
-- anew for each row it is called on, and a sub-select over unnest() would
-- run as a sub-plan per row. The condition is the same in the three
-- queries, in the preview's (preview.sql) and in the hub's stale filter
-- (stale.go).
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
        (sqlc.arg(afters)::interval[])[array_position(sqlc.arg(types)::text[], r.type)],
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
        (sqlc.arg(afters)::interval[])[array_position(sqlc.arg(types)::text[], r.type)],
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
        (sqlc.arg(afters)::interval[])[array_position(sqlc.arg(types)::text[], r.type)],
        sqlc.arg(running_default)::interval)));
