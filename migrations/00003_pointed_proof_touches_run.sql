-- A run can name its snapshot or backup set by pointer alone (the context's
-- baseline_capture.baseline_snapshot_id or backup_set_id) while the
-- artifact's operation_run_id is NULL. A write to such an artifact is a proof
-- write for the run too: touch the open runs that point at it, so a
-- reconciler that judged them on the older artifact judges again.

-- +goose Up
-- +goose StatementBegin
-- Open runs only, and only those with a pointer: the indexes stay small.
CREATE INDEX operation_runs_open_snapshot_pointer
    ON operation_runs ((context #> '{baseline_capture,baseline_snapshot_id}'))
    WHERE status <> 'completed' AND context #> '{baseline_capture,baseline_snapshot_id}' IS NOT NULL;
CREATE INDEX operation_runs_open_set_pointer
    ON operation_runs ((context -> 'backup_set_id'))
    WHERE status <> 'completed' AND context -> 'backup_set_id' IS NOT NULL;

-- The open runs whose pointer names one of ids. jsonb equality is numeric,
-- so a pointer written as 12.0 matches 12, as the proof reader reads it.
CREATE FUNCTION operation_runs_pointing_at_snapshots(ids bigint[]) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(SELECT id FROM operation_runs
        WHERE status <> 'completed' AND context #> '{baseline_capture,baseline_snapshot_id}' IS NOT NULL
          AND context #> '{baseline_capture,baseline_snapshot_id}' = ANY(ARRAY(SELECT to_jsonb(i) FROM unnest(ids) i)));
$$;

CREATE FUNCTION operation_runs_pointing_at_sets(ids bigint[]) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(SELECT id FROM operation_runs
        WHERE status <> 'completed' AND context -> 'backup_set_id' IS NOT NULL
          AND context -> 'backup_set_id' = ANY(ARRAY(SELECT to_jsonb(i) FROM unnest(ids) i)));
$$;

CREATE OR REPLACE FUNCTION artifacts_touch_runs() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    owners    bigint[];
    artifacts bigint[];
BEGIN
    -- baseline_snapshots and backup_sets: both name their run in
    -- operation_run_id, and runs may name them by pointer.
    IF TG_OP = 'INSERT' THEN
        owners := ARRAY(SELECT operation_run_id FROM new_rows WHERE operation_run_id IS NOT NULL);
        artifacts := ARRAY(SELECT id FROM new_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        owners := ARRAY(SELECT operation_run_id FROM new_rows WHERE operation_run_id IS NOT NULL
                        UNION SELECT operation_run_id FROM old_rows WHERE operation_run_id IS NOT NULL);
        artifacts := ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows);
    ELSE
        owners := ARRAY(SELECT operation_run_id FROM old_rows WHERE operation_run_id IS NOT NULL);
        artifacts := ARRAY(SELECT id FROM old_rows);
    END IF;
    IF TG_TABLE_NAME = 'baseline_snapshots' THEN
        owners := owners || operation_runs_pointing_at_snapshots(artifacts);
    ELSE
        owners := owners || operation_runs_pointing_at_sets(artifacts);
    END IF;
    PERFORM operation_runs_touch_open(owners);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION backup_items_touch_runs() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    sets bigint[];
BEGIN
    -- An item belongs to the run of its set, and to the runs pointing at it.
    IF TG_OP = 'INSERT' THEN
        sets := ARRAY(SELECT DISTINCT backup_set_id FROM new_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        sets := ARRAY(SELECT backup_set_id FROM new_rows UNION SELECT backup_set_id FROM old_rows);
    ELSE
        sets := ARRAY(SELECT DISTINCT backup_set_id FROM old_rows);
    END IF;
    PERFORM operation_runs_touch_open(
        ARRAY(SELECT s.operation_run_id FROM backup_sets s WHERE s.id = ANY(sets) AND s.operation_run_id IS NOT NULL)
        || operation_runs_pointing_at_sets(sets));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION artifacts_touch_runs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- baseline_snapshots and backup_sets: both name their run in operation_run_id.
    IF TG_OP = 'INSERT' THEN
        PERFORM operation_runs_touch_open(ARRAY(
            SELECT operation_run_id FROM new_rows WHERE operation_run_id IS NOT NULL));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM operation_runs_touch_open(ARRAY(
            SELECT operation_run_id FROM new_rows WHERE operation_run_id IS NOT NULL
            UNION
            SELECT operation_run_id FROM old_rows WHERE operation_run_id IS NOT NULL));
    ELSE
        PERFORM operation_runs_touch_open(ARRAY(
            SELECT operation_run_id FROM old_rows WHERE operation_run_id IS NOT NULL));
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION backup_items_touch_runs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- An item belongs to the run of its set.
    IF TG_OP = 'INSERT' THEN
        PERFORM operation_runs_touch_open(ARRAY(
            SELECT s.operation_run_id FROM backup_sets s
            WHERE s.id IN (SELECT backup_set_id FROM new_rows) AND s.operation_run_id IS NOT NULL));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM operation_runs_touch_open(ARRAY(
            SELECT s.operation_run_id FROM backup_sets s
            WHERE s.id IN (SELECT backup_set_id FROM new_rows UNION SELECT backup_set_id FROM old_rows)
              AND s.operation_run_id IS NOT NULL));
    ELSE
        PERFORM operation_runs_touch_open(ARRAY(
            SELECT s.operation_run_id FROM backup_sets s
            WHERE s.id IN (SELECT backup_set_id FROM old_rows) AND s.operation_run_id IS NOT NULL));
    END IF;
    RETURN NULL;
END;
$$;

DROP FUNCTION operation_runs_pointing_at_sets(bigint[]);
DROP FUNCTION operation_runs_pointing_at_snapshots(bigint[]);
DROP INDEX operation_runs_open_set_pointer;
DROP INDEX operation_runs_open_snapshot_pointer;
-- +goose StatementEnd
