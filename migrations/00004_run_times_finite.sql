-- A run's times must be real instants. timestamptz also holds 'infinity' and
-- '-infinity', which no JSON time can show and no Go time can hold: one such
-- value written by a job made every read of its run fail, and a stale one
-- failed the sweep batch that claimed it, on every pass, stalling the sweep
-- of every run behind it. Refused at write time instead, where the job that
-- writes it sees the error.
--
-- Adding the CHECK scans the table under an exclusive lock: instant on
-- today's tables; on a very large one, add it NOT VALID and VALIDATE it in a
-- separate step, which lets reads and writes go on.

-- +goose Up
ALTER TABLE operation_runs
    ADD CONSTRAINT operation_runs_times_finite CHECK (
        isfinite(created_at) AND isfinite(updated_at)
        AND (started_at IS NULL OR isfinite(started_at))
        AND (last_heartbeat_at IS NULL OR isfinite(last_heartbeat_at))
        AND (completed_at IS NULL OR isfinite(completed_at)));

-- +goose Down
ALTER TABLE operation_runs DROP CONSTRAINT operation_runs_times_finite;
