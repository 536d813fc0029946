-- The proof surfaces: a run's artifacts as a workspace member opens them.
-- An artifact's scope is its workspace and environment, and a member sees it
-- under the rule of the run reads (runs.sql): every environment with
-- all_environments, otherwise the environments granted to it. Whatever the
-- member may not see is no row at all, so that every hidden case reads as
-- missing.

-- name: MemberScope :one
-- The caller's role, and whether each thing the request names (all
-- optional) is one the caller may see: an environment, a run, a backup set.
-- No row when the subject is not a member.
SELECT m.role,
    (sqlc.narg(environment_id)::bigint IS NULL OR EXISTS (
        SELECT 1 FROM managed_environments e
        WHERE e.id = sqlc.narg(environment_id) AND e.workspace_id = m.workspace_id
          AND (m.all_environments OR EXISTS (
            SELECT 1 FROM member_environment_grants g
            WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
              AND g.managed_environment_id = e.id)))) AS environment_visible,
    (sqlc.narg(run_id)::bigint IS NULL OR EXISTS (
        SELECT 1 FROM operation_runs r
        WHERE r.id = sqlc.narg(run_id) AND r.workspace_id = m.workspace_id
          AND (m.all_environments OR EXISTS (
            SELECT 1 FROM member_environment_grants g
            WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
              AND g.managed_environment_id = r.managed_environment_id)))) AS run_visible,
    (sqlc.narg(backup_set_id)::bigint IS NULL OR EXISTS (
        SELECT 1 FROM backup_sets b
        WHERE b.id = sqlc.narg(backup_set_id) AND b.workspace_id = m.workspace_id
          AND (m.all_environments OR EXISTS (
            SELECT 1 FROM member_environment_grants g
            WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
              AND g.managed_environment_id = b.managed_environment_id)))) AS backup_set_visible
FROM workspace_members m
WHERE m.workspace_id = @workspace_id AND m.subject = @subject;

-- name: SnapshotGetForMember :one
-- A baseline snapshot, the caller's role, the run that recorded it when that
-- run is in the snapshot's scope, and the newest 50 runs the caller may see
-- whose decision record links it. Those runs are found by their link alone
-- (operation_runs_reconciliation_links): OFFSET 0 keeps the workspace
-- condition out of that scan, which PostgreSQL would otherwise answer by
-- also reading every run of the workspace from another index.
SELECT m.role, s.id, s.managed_environment_id, e.name AS environment_name,
    s.baseline_profile_id, p.name AS profile_name, s.item_count, s.gap_count, s.created_at,
    coalesce((SELECT r.id FROM operation_runs r
     WHERE r.id = s.operation_run_id AND r.workspace_id = s.workspace_id
       AND r.managed_environment_id = s.managed_environment_id), 0)::bigint AS produced_by,
    ARRAY(
        SELECT r.id FROM (
            SELECT r.id, r.workspace_id, r.managed_environment_id FROM operation_runs r
            WHERE r.context #> '{reconciliation,links}' @> jsonb_build_array(jsonb_build_object('rel', 'baseline_snapshot', 'id', s.id))
              AND r.context #> '{reconciliation,links}' <> '[]'::jsonb
            OFFSET 0) r
        WHERE r.workspace_id = s.workspace_id
          AND (m.all_environments OR EXISTS (
            SELECT 1 FROM member_environment_grants g
            WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
              AND g.managed_environment_id = r.managed_environment_id))
        ORDER BY r.id DESC LIMIT 50)::bigint[] AS cited_by
FROM baseline_snapshots s
JOIN workspace_members m ON m.workspace_id = s.workspace_id AND m.subject = @subject
JOIN managed_environments e ON e.id = s.managed_environment_id
JOIN baseline_profiles p ON p.id = s.baseline_profile_id
WHERE s.workspace_id = @workspace_id AND s.id = @id
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = s.managed_environment_id));

-- name: BackupSetGetForMember :one
-- A backup set with its items counted (from backup_items_set_id alone), its
-- schedule when the caller may see the schedule's environment, the caller's
-- role and the runs as for a snapshot.
SELECT m.role, b.id, b.managed_environment_id, e.name AS environment_name,
    sc.id AS schedule_id, sc.name AS schedule_name, sc.enabled AS schedule_enabled,
    b.status, b.item_count, b.created_at,
    (SELECT count(*) FROM backup_items i WHERE i.backup_set_id = b.id AND i.status = 'captured') AS captured,
    (SELECT count(*) FROM backup_items i WHERE i.backup_set_id = b.id AND i.status = 'failed') AS failed,
    (SELECT count(*) FROM backup_items i WHERE i.backup_set_id = b.id AND i.assignments_status IN ('missing', 'failed')) AS assignments_missing,
    (SELECT count(*) FROM backup_items i WHERE i.backup_set_id = b.id AND i.status NOT IN ('captured', 'failed')) AS other,
    coalesce((SELECT r.id FROM operation_runs r
     WHERE r.id = b.operation_run_id AND r.workspace_id = b.workspace_id
       AND r.managed_environment_id = b.managed_environment_id), 0)::bigint AS produced_by,
    ARRAY(
        SELECT r.id FROM (
            SELECT r.id, r.workspace_id, r.managed_environment_id FROM operation_runs r
            WHERE r.context #> '{reconciliation,links}' @> jsonb_build_array(jsonb_build_object('rel', 'backup_set', 'id', b.id))
              AND r.context #> '{reconciliation,links}' <> '[]'::jsonb
            OFFSET 0) r
        WHERE r.workspace_id = b.workspace_id
          AND (m.all_environments OR EXISTS (
            SELECT 1 FROM member_environment_grants g
            WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
              AND g.managed_environment_id = r.managed_environment_id))
        ORDER BY r.id DESC LIMIT 50)::bigint[] AS cited_by
FROM backup_sets b
JOIN workspace_members m ON m.workspace_id = b.workspace_id AND m.subject = @subject
JOIN managed_environments e ON e.id = b.managed_environment_id
LEFT JOIN backup_schedules sc ON sc.id = b.backup_schedule_id
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = sc.managed_environment_id))
WHERE b.workspace_id = @workspace_id AND b.id = @id
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = b.managed_environment_id));

-- name: BackupItemsPage :many
-- One page of a backup set's items in id order (backup_items_set_id). The
-- caller checks the set's visibility first (MemberScope).
SELECT i.id, i.policy_type, i.external_id, i.status, i.assignments_status, i.error_code
FROM backup_items i
WHERE i.backup_set_id = @backup_set_id AND i.id > @after_id
  AND (sqlc.narg(status)::text IS NULL OR i.status = sqlc.narg(status))
ORDER BY i.id
LIMIT @max_items::bigint;

-- name: InventoryItemsPage :many
-- One page of the inventory items of the environments the member sees (or
-- of the one asked for), in id order: each environment is walked in id
-- order (inventory_items_environment_id) up to a page, and the walks are
-- merged, so a page reads at most a page per environment whatever their
-- size. The caller checks the environment's visibility first (MemberScope).
SELECT i.id, i.managed_environment_id, e.name AS environment_name, i.policy_type, i.external_id,
    i.display_name, i.last_seen_at,
    coalesce((SELECT r.id FROM operation_runs r
     WHERE r.id = i.last_seen_operation_run_id AND r.workspace_id = i.workspace_id
       AND r.managed_environment_id = i.managed_environment_id), 0)::bigint AS last_seen_by
FROM workspace_members m
JOIN managed_environments e ON e.workspace_id = m.workspace_id
CROSS JOIN LATERAL (
    SELECT i.* FROM inventory_items i
    WHERE i.managed_environment_id = e.id AND i.id > @after_id
      AND (sqlc.narg(policy_type)::text IS NULL OR i.policy_type = sqlc.narg(policy_type))
    ORDER BY i.id
    LIMIT @max_items::bigint) i
WHERE m.workspace_id = @workspace_id AND m.subject = @subject
  AND (sqlc.narg(environment_id)::bigint IS NULL OR e.id = sqlc.narg(environment_id))
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = e.id))
ORDER BY i.id
LIMIT @max_items::bigint;

-- name: InventoryItemsSeenByRun :many
-- One page of the inventory items last seen by a run, in id order
-- (inventory_items_last_seen_run_id), of the environments the member sees
-- in the run's workspace. The caller checks the run's visibility first
-- (MemberScope).
SELECT i.id, i.managed_environment_id, e.name AS environment_name, i.policy_type, i.external_id,
    i.display_name, i.last_seen_at,
    coalesce((SELECT r.id FROM operation_runs r
     WHERE r.id = i.last_seen_operation_run_id AND r.workspace_id = i.workspace_id
       AND r.managed_environment_id = i.managed_environment_id), 0)::bigint AS last_seen_by
FROM inventory_items i
JOIN managed_environments e ON e.id = i.managed_environment_id
JOIN workspace_members m ON m.workspace_id = i.workspace_id AND m.subject = @subject
WHERE i.last_seen_operation_run_id = @run_id::bigint AND i.id > @after_id
  AND i.workspace_id = @workspace_id
  AND (sqlc.narg(environment_id)::bigint IS NULL OR i.managed_environment_id = sqlc.narg(environment_id))
  AND (sqlc.narg(policy_type)::text IS NULL OR i.policy_type = sqlc.narg(policy_type))
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = i.managed_environment_id))
ORDER BY i.id
LIMIT @max_items::bigint;

-- name: ArtifactsOpenable :many
-- Which of the snapshots and backup sets named by runs' decision records
-- the member can open now, under the rule of SnapshotGetForMember and
-- BackupSetGetForMember: one query for a whole page of runs.
SELECT 'baseline_snapshot'::text AS rel, s.id
FROM baseline_snapshots s
JOIN workspace_members m ON m.workspace_id = s.workspace_id AND m.subject = @subject
WHERE s.id = ANY(@snapshot_ids::bigint[]) AND s.workspace_id = @workspace_id
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = s.managed_environment_id))
UNION ALL
SELECT 'backup_set'::text, b.id
FROM backup_sets b
JOIN workspace_members m ON m.workspace_id = b.workspace_id AND m.subject = @subject
WHERE b.id = ANY(@backup_set_ids::bigint[]) AND b.workspace_id = @workspace_id
  AND (m.all_environments OR EXISTS (
    SELECT 1 FROM member_environment_grants g
    WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
      AND g.managed_environment_id = b.managed_environment_id));
