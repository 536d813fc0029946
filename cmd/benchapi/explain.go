package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// explainHub prints EXPLAIN (ANALYZE, BUFFERS) of the hub's own query for a
// first page, a page halfway down, a filtered page and the stale page of the
// benchmarked workspace.
func explainHub(ctx context.Context, pool *pgxpool.Pool, d dataset, out io.Writer) error {
	var middle repo.RunPosition
	if err := pool.QueryRow(ctx, `SELECT created_at, id FROM operation_runs WHERE workspace_id = $1
		ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`, d.workspace, (d.lastRun-d.firstRun)/2).Scan(&middle.CreatedAt, &middle.ID); err != nil {
		return err
	}
	base := repo.RunListParams{WorkspaceID: d.workspace, Subject: d.subject, Limit: 51, Now: time.Now(), Thresholds: repo.ThresholdsOf(domain.DefaultStaleness())}
	later := base
	later.After = &middle
	filtered := base
	filtered.Status, filtered.Family = "completed", domain.FamilyInventorySync
	stale := base
	stale.Stale = new(true)
	for _, c := range []struct {
		name string
		p    repo.RunListParams
	}{{"first page, 50 rows", base}, {"page halfway down the workspace", later}, {"status=completed&type=inventory.sync", filtered}, {"stale=true", stale}} {
		sql, args := repo.RunListQuery(c.p, false)
		rows, err := pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+sql, args...)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "EXPLAIN hub query, %s:\n", c.name)
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				rows.Close()
				return err
			}
			fmt.Fprintln(out, "  "+line)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		fmt.Fprintln(out)
	}
	return nil
}
