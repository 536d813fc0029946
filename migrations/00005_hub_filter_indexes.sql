-- Indexes for the hub's selective filters. Without them a filter walks the
-- workspace newest first and discards what does not match: on 200,000 runs,
-- outcome=failed with no failed run took 866 ms and a rare type 234 ms. Each
-- index below answers its filter in the hub's order, so a page stops after
-- its rows however rare they are.
--
-- run_family is reconcile.Canonical in SQL: a run's canonical family from
-- its stored type (aliases map to their family; other types are their own).
-- The type filter matches a family with all its aliases through one index
-- key. A test keeps it equal to the Go map; changing an alias means a new
-- migration that replaces the function and rebuilds the index.
--
-- The indexes are built CONCURRENTLY, outside a transaction, so that jobs
-- keep writing runs meanwhile. A build that failed leaves an invalid index
-- behind; each is dropped first, so the migration can simply be run again.

-- +goose NO TRANSACTION

-- +goose Up
CREATE OR REPLACE FUNCTION run_family(run_type text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE run_type
        WHEN 'inventory_sync' THEN 'inventory.sync'
        WHEN 'intune.inventory.sync' THEN 'inventory.sync'
        WHEN 'baseline_capture' THEN 'baseline.capture'
        WHEN 'intune.baseline.capture' THEN 'baseline.capture'
        WHEN 'backup_schedule_run' THEN 'backup.schedule.execute'
        WHEN 'backup.schedule.run' THEN 'backup.schedule.execute'
        ELSE run_type
    END;

DROP INDEX CONCURRENTLY IF EXISTS operation_runs_workspace_family_newest;
CREATE INDEX CONCURRENTLY operation_runs_workspace_family_newest
    ON operation_runs (workspace_id, run_family(type), created_at DESC, id DESC);

DROP INDEX CONCURRENTLY IF EXISTS operation_runs_environment_newest;
CREATE INDEX CONCURRENTLY operation_runs_environment_newest
    ON operation_runs (managed_environment_id, created_at DESC, id DESC)
    WHERE managed_environment_id IS NOT NULL;

-- Succeeded runs are most runs and pending ones are open (operation_runs_open
-- serves them): left out, they cost this index neither space nor writes.
DROP INDEX CONCURRENTLY IF EXISTS operation_runs_workspace_outcome_newest;
CREATE INDEX CONCURRENTLY operation_runs_workspace_outcome_newest
    ON operation_runs (workspace_id, outcome, created_at DESC, id DESC)
    WHERE outcome NOT IN ('succeeded', 'pending');

-- Open runs of one workspace, and of one environment, in the hub's order, for
-- the status=queued|running and stale=true filters: operation_runs_open is
-- ordered by id for the sweep and spans every workspace, so a busy
-- workspace's backlog slowed the others' pages. Open runs are few, so these
-- stay small.
DROP INDEX CONCURRENTLY IF EXISTS operation_runs_workspace_open_newest;
CREATE INDEX CONCURRENTLY operation_runs_workspace_open_newest
    ON operation_runs (workspace_id, created_at DESC, id DESC)
    WHERE status <> 'completed';

DROP INDEX CONCURRENTLY IF EXISTS operation_runs_environment_open_newest;
CREATE INDEX CONCURRENTLY operation_runs_environment_open_newest
    ON operation_runs (managed_environment_id, created_at DESC, id DESC)
    WHERE status <> 'completed' AND managed_environment_id IS NOT NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS operation_runs_environment_open_newest;
DROP INDEX CONCURRENTLY IF EXISTS operation_runs_workspace_open_newest;
DROP INDEX CONCURRENTLY IF EXISTS operation_runs_workspace_outcome_newest;
DROP INDEX CONCURRENTLY IF EXISTS operation_runs_environment_newest;
DROP INDEX CONCURRENTLY IF EXISTS operation_runs_workspace_family_newest;
DROP FUNCTION IF EXISTS run_family(text);
