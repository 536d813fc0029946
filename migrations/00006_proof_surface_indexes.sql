-- Indexes for the proof surfaces: the routes that open a run's artifacts and
-- list inventory and backup items, and the runs whose decision record cites
-- an artifact.
--
-- Item listings are keyset-paginated in id order, one page at a time, so
-- each walk needs its key followed by the id: the items of one environment,
-- of one backup set, and those last seen by one run. The two existing
-- indexes led by the set and by the run are replaced by ones that add the
-- id; they keep their included columns, so proof loading still reads them
-- alone.
--
-- The links index holds only records that link something (a stale-path
-- record usually links nothing). Its expression cannot fail whatever a job
-- wrote into a run's context (#> is NULL on any other shape), so it never
-- makes a run's write fail.
--
-- Built CONCURRENTLY, outside a transaction, so that jobs keep writing
-- meanwhile; each index is dropped first, so that a failed build (which
-- leaves an invalid index) is simply run again.

-- +goose NO TRANSACTION

-- +goose Up
DROP INDEX CONCURRENTLY IF EXISTS operation_runs_reconciliation_links;
CREATE INDEX CONCURRENTLY operation_runs_reconciliation_links
    ON operation_runs USING gin ((context #> '{reconciliation,links}') jsonb_path_ops)
    WHERE context #> '{reconciliation,links}' <> '[]'::jsonb;

DROP INDEX CONCURRENTLY IF EXISTS inventory_items_environment_id;
CREATE INDEX CONCURRENTLY inventory_items_environment_id
    ON inventory_items (managed_environment_id, id);

DROP INDEX CONCURRENTLY IF EXISTS inventory_items_last_seen_run_id;
CREATE INDEX CONCURRENTLY inventory_items_last_seen_run_id
    ON inventory_items (last_seen_operation_run_id, id)
    INCLUDE (workspace_id, managed_environment_id, policy_type)
    WHERE last_seen_operation_run_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS inventory_items_last_seen_run;

DROP INDEX CONCURRENTLY IF EXISTS backup_items_set_id;
CREATE INDEX CONCURRENTLY backup_items_set_id
    ON backup_items (backup_set_id, id) INCLUDE (status, assignments_status);
DROP INDEX CONCURRENTLY IF EXISTS backup_items_set;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS backup_items_set;
CREATE INDEX CONCURRENTLY backup_items_set ON backup_items (backup_set_id) INCLUDE (status, assignments_status);
DROP INDEX CONCURRENTLY IF EXISTS backup_items_set_id;

DROP INDEX CONCURRENTLY IF EXISTS inventory_items_last_seen_run;
CREATE INDEX CONCURRENTLY inventory_items_last_seen_run
    ON inventory_items (last_seen_operation_run_id)
    INCLUDE (workspace_id, managed_environment_id, policy_type)
    WHERE last_seen_operation_run_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS inventory_items_last_seen_run_id;

DROP INDEX CONCURRENTLY IF EXISTS inventory_items_environment_id;
DROP INDEX CONCURRENTLY IF EXISTS operation_runs_reconciliation_links;
