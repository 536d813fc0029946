package repo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/runproof/runproof/internal/domain"
)

// StaleThresholds is the staleness rule in the shape SQL needs: per canonical
// family a running threshold (a run's family is run_family of its type, so
// aliases share it), a default for every other family, and the queued
// threshold.
type StaleThresholds struct {
	Queued          time.Duration
	RunningFamilies []string
	RunningAfter    []time.Duration
	RunningDefault  time.Duration
}

// staleCondition is true for an open run r that is stale at $now. It takes
// five parameters starting at $n: now, queued, families, afters, default.
func staleCondition(n int) string {
	return fmt.Sprintf(`(
		(r.status = 'queued' AND r.created_at < $%[1]d::timestamptz - $%[2]d::interval)
		OR (r.status = 'running' AND coalesce(r.last_heartbeat_at, r.started_at, r.created_at) <
			$%[1]d::timestamptz - coalesce(
				(SELECT t.after FROM unnest($%[3]d::text[], $%[4]d::interval[]) AS t(family, after) WHERE t.family = run_family(r.type)),
				$%[5]d::interval)))`, n, n+1, n+2, n+3, n+4)
}

// ThresholdsOf returns staleness rule s in the shape SQL needs: the
// per-family running thresholds as parallel lists, in family order.
func ThresholdsOf(s domain.Staleness) StaleThresholds {
	t := StaleThresholds{Queued: s.Queued, RunningDefault: s.RunningDefault}
	for _, f := range slices.Sorted(maps.Keys(s.Running)) {
		t.RunningFamilies = append(t.RunningFamilies, string(f))
		t.RunningAfter = append(t.RunningAfter, s.Running[f])
	}
	return t
}

func (s StaleThresholds) args(now time.Time) []any {
	return []any{now, s.Queued, s.RunningFamilies, s.RunningAfter, s.RunningDefault}
}

// RunClaimStaleParams selects one batch of stale runs to claim.
type RunClaimStaleParams struct {
	Thresholds  StaleThresholds
	Now         time.Time
	AfterID     int64  // keyset: only runs with a larger id
	WorkspaceID *int64 // optional: one workspace only
	Limit       int
}

// RunClaimStale locks up to Limit stale runs in id order with FOR UPDATE SKIP
// LOCKED, so concurrent sweepers never claim the same run. Call it in a
// transaction; the locks hold until it ends.
func RunClaimStale(ctx context.Context, db DBTX, p RunClaimStaleParams) ([]domain.Run, error) {
	return staleRuns(ctx, db, p, "FOR UPDATE OF r SKIP LOCKED")
}

// RunReadStale reads the runs RunClaimStale would claim, locking none: a dry
// run neither waits for nor holds up a job, a sweeper or a reconcile, and
// sees the runs they hold too.
func RunReadStale(ctx context.Context, db DBTX, p RunClaimStaleParams) ([]domain.Run, error) {
	return staleRuns(ctx, db, p, "")
}

func staleRuns(ctx context.Context, db DBTX, p RunClaimStaleParams, lock string) ([]domain.Run, error) {
	args := append([]any{p.AfterID, p.WorkspaceID, p.Limit}, p.Thresholds.args(p.Now)...)
	rows, err := db.Query(ctx, `SELECT `+runColumns+` FROM `+runFrom+`
		WHERE r.status <> 'completed' AND r.id > $1
		  AND ($2::bigint IS NULL OR r.workspace_id = $2)
		  AND `+staleCondition(4)+`
		ORDER BY r.id
		LIMIT $3
		`+lock, args...)
	if err != nil {
		return nil, fmt.Errorf("read stale runs: %w", err)
	}
	return pgx.CollectRows(rows, collectRun)
}

// RunCountStale counts stale runs waiting for a sweep (the sweeper's gauge).
func RunCountStale(ctx context.Context, db DBTX, t StaleThresholds, now time.Time) (int64, error) {
	var n int64
	err := db.QueryRow(ctx, `SELECT count(*) FROM operation_runs r
		WHERE r.status <> 'completed' AND `+staleCondition(1), t.args(now)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count stale runs: %w", err)
	}
	return n, nil
}
