-- Text copies of the two jsonb values every rendered run shows. Sending jsonb
-- re-serializes it on every read (each number through numeric_out), and the
-- hub reads 51 rows per page: kept as text, a run's JSON is serialized once,
-- when the row is written. PostgreSQL keeps the copies current on every
-- write, whoever writes, and nothing can write them directly.

-- +goose Up
ALTER TABLE operation_runs
    ADD COLUMN summary_counts_text text
        GENERATED ALWAYS AS (summary_counts::text) STORED,
    ADD COLUMN reconciliation_text text
        GENERATED ALWAYS AS ((context -> 'reconciliation')::text) STORED;

-- +goose Down
ALTER TABLE operation_runs
    DROP COLUMN reconciliation_text,
    DROP COLUMN summary_counts_text;
