-- A run's times must be real instants. timestamptz also holds 'infinity' and
-- '-infinity', which no JSON time can show and no Go time can hold: one such
-- value written by a job made every read of its run fail, and a stale one
-- failed the sweep batch that claimed it, on every pass, stalling the sweep
-- of every run behind it. Refused at write time instead, where the job that
-- writes it sees the error.
--
-- Outside a transaction, so that the table is locked only briefly: the CHECK
-- is added NOT VALID (new writes are checked at once), then validated with a
-- lock that lets reads and writes go on. If validation finds old rows with an
-- infinite time, the migration stops with PostgreSQL's "is violated by some
-- row"; find them with
--   SELECT id FROM operation_runs WHERE NOT (isfinite(created_at) AND ...)
-- fix them, and run it again (every step can be repeated).

-- +goose NO TRANSACTION
-- +goose Up
ALTER TABLE operation_runs DROP CONSTRAINT IF EXISTS operation_runs_times_finite;
ALTER TABLE operation_runs
    ADD CONSTRAINT operation_runs_times_finite CHECK (
        isfinite(created_at) AND isfinite(updated_at)
        AND (started_at IS NULL OR isfinite(started_at))
        AND (last_heartbeat_at IS NULL OR isfinite(last_heartbeat_at))
        AND (completed_at IS NULL OR isfinite(completed_at))) NOT VALID;
ALTER TABLE operation_runs VALIDATE CONSTRAINT operation_runs_times_finite;

-- +goose Down
ALTER TABLE operation_runs DROP CONSTRAINT IF EXISTS operation_runs_times_finite;
