package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/runproof/runproof/internal/benchdata"
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
	defer func() { _ = conn.Close(ctx) }() // the answer no longer depends on this connection
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
	if err = errors.Join(err, m.Close()); err != nil {
		return dataset{}, fmt.Errorf("migrate: %w", err)
	}
	d := dataset{subject: benchSubject, environments: 4}
	err = pool.QueryRow(ctx, `SELECT id FROM workspaces WHERE slug = 'bench'`).Scan(&d.workspace)
	if errors.Is(err, pgx.ErrNoRows) {
		if d.workspace, err = seedRows(ctx, pool, runs); err != nil {
			return dataset{}, fmt.Errorf("seed: %w", err)
		}
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
		return dataset{}, fmt.Errorf("the bench database holds fewer than %d runs in the bench workspace; drop it to reseed", runs)
	}
	return d, nil
}

// seedRows writes the bench workspaces and returns the benchmarked one.
func seedRows(ctx context.Context, pool *pgxpool.Pool, runs int) (int64, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var ws, other int64
	if err := tx.QueryRow(ctx, `INSERT INTO workspaces (slug, name) VALUES ('bench', 'Bench') RETURNING id`).Scan(&ws); err != nil {
		return 0, err
	}
	if err := tx.QueryRow(ctx, `INSERT INTO workspaces (slug, name) VALUES ('bench-other', 'Bench neighbour') RETURNING id`).Scan(&other); err != nil {
		return 0, err
	}
	for _, stmt := range []string{
		`INSERT INTO managed_environments (workspace_id, name) SELECT w, 'Tenant ' || e FROM unnest(ARRAY[$1::bigint, $2::bigint]) w, generate_series(1, 4) e`,
		`INSERT INTO workspace_members (workspace_id, subject, role) VALUES ($1, '` + benchSubject + `', 'owner'), ($2, '` + benchSubject + `', 'owner')`,
	} {
		if _, err := tx.Exec(ctx, stmt, ws, other); err != nil {
			return 0, err
		}
	}
	for _, w := range []struct {
		id   int64
		runs int
	}{{ws, runs}, {other, runs / 10}} {
		if _, err := tx.Exec(ctx, benchdata.RunsSQL, w.id, w.runs); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	_, err = pool.Exec(ctx, `VACUUM ANALYZE`)
	return ws, err
}
