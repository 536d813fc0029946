-- The proof of a batch of runs: one query per artifact kind, each over all
-- the runs at once, sent together in one batch (ProofLoad). Artifacts are
-- read whatever their scope; ProofLoad marks those outside the run's.

-- name: ProofInventory :batchmany
-- The inventory items last seen by the runs, counted per run and scope: a
-- handful of rows per run, read from the index on last_seen_operation_run_id.
SELECT coalesce(last_seen_operation_run_id, 0)::bigint AS run_id, workspace_id, managed_environment_id, count(*) AS items
FROM inventory_items
WHERE last_seen_operation_run_id = ANY(@run_ids::bigint[])
GROUP BY 1, 2, 3;

-- name: ProofSnapshots :batchmany
-- The baseline snapshots named by pointer (ids) or tied to the runs.
SELECT id, workspace_id, managed_environment_id, baseline_profile_id,
    coalesce(operation_run_id, 0)::bigint AS run_id, item_count, gap_count
FROM baseline_snapshots
WHERE id = ANY(@ids::bigint[]) OR operation_run_id = ANY(@run_ids::bigint[])
ORDER BY id;

-- name: ProofBackupSets :batchmany
-- The backup sets named by pointer (ids) or tied to the runs, with their
-- items counted from the covering index on backup_items.
SELECT b.id, b.workspace_id, b.managed_environment_id,
    coalesce(b.backup_schedule_id, 0)::bigint AS schedule_id,
    coalesce(b.operation_run_id, 0)::bigint AS run_id,
    b.status, b.item_count,
    count(*) FILTER (WHERE i.status = 'captured') AS captured,
    count(*) FILTER (WHERE i.status = 'failed') AS failed,
    count(*) FILTER (WHERE i.assignments_status IN ('missing', 'failed')) AS assignments_missing
FROM backup_sets b
LEFT JOIN backup_items i ON i.backup_set_id = b.id
WHERE b.id = ANY(@ids::bigint[]) OR b.operation_run_id = ANY(@run_ids::bigint[])
GROUP BY b.id
ORDER BY b.id;
