package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/runproof/runproof/internal/repo"
)

// dataset is what the seed made: the benchmarked workspace, its member and
// the id range of its runs.
type dataset struct {
	workspace    int64
	subject      string
	firstRun     int64
	lastRun      int64
	totalRuns    int64
	environments int
}

const benchSubject = "bench-owner"

// ensureDatabase creates database name on serverURL's server when missing and
// returns its URL.
func ensureDatabase(ctx context.Context, serverURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", err
		}
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// seed migrates the database and, unless a previous run did, loads one
// workspace with runs runs over 4 environments (mixed families, statuses,
// outcomes, contexts and reconciliations, created over about a month) plus
// a second workspace of a tenth of that, so the hub has neighbours to skip.
func seed(ctx context.Context, pool *pgxpool.Pool, runs int) (dataset, error) {
	m, err := repo.NewMigrator(pool)
	if err != nil {
		return dataset{}, err
	}
	_, err = m.Up(ctx)
	m.Close()
	if err != nil {
		return dataset{}, fmt.Errorf("migrate: %w", err)
	}
	d := dataset{subject: benchSubject, environments: 4}
	err = pool.QueryRow(ctx, `SELECT id FROM workspaces WHERE slug = 'bench'`).Scan(&d.workspace)
	if errors.Is(err, pgx.ErrNoRows) {
		if err := seedRows(ctx, pool, runs); err != nil {
			return dataset{}, fmt.Errorf("seed: %w", err)
		}
		err = pool.QueryRow(ctx, `SELECT id FROM workspaces WHERE slug = 'bench'`).Scan(&d.workspace)
	}
	if err != nil {
		return dataset{}, err
	}
	err = pool.QueryRow(ctx, `SELECT min(id), max(id), (SELECT count(*) FROM operation_runs)
		FROM operation_runs WHERE workspace_id = $1`, d.workspace).Scan(&d.firstRun, &d.lastRun, &d.totalRuns)
	if err != nil {
		return dataset{}, err
	}
	if d.lastRun-d.firstRun+1 < int64(runs) {
		return dataset{}, fmt.Errorf("database %s holds fewer than %d runs in the bench workspace; drop it to reseed", "runproof_bench", runs)
	}
	return d, nil
}

func seedRows(ctx context.Context, pool *pgxpool.Pool, runs int) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var ws, other int64
	if err := tx.QueryRow(ctx, `INSERT INTO workspaces (slug, name) VALUES ('bench', 'Bench') RETURNING id`).Scan(&ws); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, `INSERT INTO workspaces (slug, name) VALUES ('bench-other', 'Bench neighbour') RETURNING id`).Scan(&other); err != nil {
		return err
	}
	for _, stmt := range []string{
		`INSERT INTO managed_environments (workspace_id, name) SELECT w, 'Tenant ' || e FROM unnest(ARRAY[$1::bigint, $2::bigint]) w, generate_series(1, 4) e`,
		`INSERT INTO workspace_members (workspace_id, subject, role) VALUES ($1, '` + benchSubject + `', 'owner'), ($2, '` + benchSubject + `', 'owner')`,
	} {
		if _, err := tx.Exec(ctx, stmt, ws, other); err != nil {
			return err
		}
	}
	for _, w := range []struct {
		id   int64
		runs int
	}{{ws, runs}, {other, runs / 10}} {
		if _, err := tx.Exec(ctx, seedRunsSQL, w.id, w.runs); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `VACUUM ANALYZE`)
	return err
}

// seedRunsSQL inserts $2 runs into workspace $1 in one statement: 2% running
// (half of them stale), 1% queued, the rest completed with every outcome; a
// tenth carry a reconciliation, every run an inventory-sized context.
const seedRunsSQL = `
WITH envs AS (SELECT array_agg(id ORDER BY id) AS ids FROM managed_environments WHERE workspace_id = $1),
s AS (
	SELECT g,
		now() - g * interval '13 seconds' AS created,
		CASE WHEN g % 50 = 0 THEN 'running' WHEN g % 97 = 0 THEN 'queued' ELSE 'completed' END AS status
	FROM generate_series(1, $2::int) g
)
INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, outcome, initiator,
	context, summary_counts, failures, created_at, started_at, last_heartbeat_at, completed_at)
SELECT $1,
	CASE WHEN g % 23 = 0 THEN NULL ELSE envs.ids[1 + g % 4] END,
	(ARRAY['inventory.sync', 'baseline.capture', 'backup.schedule.execute', 'inventory_sync', 'policy.sync'])[1 + g % 5],
	status,
	CASE WHEN status = 'completed'
		THEN (ARRAY['succeeded', 'succeeded', 'partially_succeeded', 'blocked', 'failed', 'cancelled'])[1 + g % 6]
		ELSE 'pending' END,
	'scheduler',
	jsonb_build_object('inventory', jsonb_build_object(
		'attempted_types', jsonb_build_array('deviceConfiguration', 'compliancePolicy', 'appProtection'),
		'coverage', jsonb_build_object(
			'deviceConfiguration', jsonb_build_object('status', 'succeeded', 'item_count', g % 40),
			'compliancePolicy', jsonb_build_object('status', 'failed', 'error_code', 'graph_throttled'),
			'appProtection', jsonb_build_object('status', 'skipped', 'reason_code', 'provider_permission_missing'))))
	|| CASE WHEN g % 10 = 0 AND status = 'completed' THEN jsonb_build_object('reconciliation', jsonb_build_object(
		'decision', 'finalized', 'outcome', 'partially_succeeded', 'reason_code', 'inventory.partial_coverage',
		'explanation', 'Inventory partly captured: 1 of 3 policy types succeeded; 1 failed (graph_throttled), 1 skipped.',
		'proof', jsonb_build_object('attempted', 3, 'succeeded', 1), 'links', '[]'::jsonb, 'source', 'sweep',
		'actor', 'system', 'adapter', 'inventory.sync/v1', 'previous_status', 'running',
		'reconciled_at', created + interval '2 hours')) ELSE '{}'::jsonb END,
	jsonb_build_object('succeeded', g % 12, 'failed', g % 3),
	CASE WHEN g % 6 = 4 THEN '[{"code": "graph_throttled"}]'::jsonb ELSE '[]'::jsonb END,
	created,
	CASE WHEN status <> 'queued' THEN created + interval '5 seconds' END,
	CASE WHEN status = 'running' AND g % 100 <> 0 THEN now() - interval '1 minute'
		WHEN status <> 'queued' THEN created + interval '1 minute' END,
	CASE WHEN status = 'completed' THEN created + interval '10 minutes' END
FROM s, envs`
