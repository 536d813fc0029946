package repo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo/internal/sqlcdb"
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

// RunClaimStaleParams selects one batch of stale runs to claim.
type RunClaimStaleParams struct {
	Thresholds  StaleThresholds
	Now         time.Time
	AfterID     int64  // keyset: only runs with a larger id
	ThroughID   *int64 // optional: only runs with an id up to this one
	WorkspaceID *int64 // optional: one workspace only
	Limit       int
}

// RunClaimStale locks up to Limit stale runs in id order with FOR UPDATE SKIP
// LOCKED, so concurrent sweepers never claim the same run. Call it in a
// transaction; the locks hold until it ends.
func RunClaimStale(ctx context.Context, db DBTX, p RunClaimStaleParams) ([]domain.Run, error) {
	// The two queries differ only in their lock: same parameters, same rows.
	rows, err := sqlcdb.New(db).RunClaimStale(ctx, sqlcdb.RunClaimStaleParams(readStaleParams(p)))
	if err != nil {
		return nil, fmt.Errorf("claim stale runs: %w", err)
	}
	runs := make([]domain.Run, len(rows))
	for i, r := range rows {
		runs[i] = runOf(r.OperationRun, r.EnvironmentName)
	}
	return runs, nil
}

// RunReadStale reads the runs RunClaimStale would claim, locking none: a dry
// run neither waits for nor holds up a job, a sweeper or a reconcile, and
// sees the runs they hold too.
func RunReadStale(ctx context.Context, db DBTX, p RunClaimStaleParams) ([]domain.Run, error) {
	rows, err := sqlcdb.New(db).RunReadStale(ctx, readStaleParams(p))
	if err != nil {
		return nil, fmt.Errorf("read stale runs: %w", err)
	}
	runs := make([]domain.Run, len(rows))
	for i, r := range rows {
		runs[i] = runOf(r.OperationRun, r.EnvironmentName)
	}
	return runs, nil
}

func readStaleParams(p RunClaimStaleParams) sqlcdb.RunReadStaleParams {
	return sqlcdb.RunReadStaleParams{
		AfterID:        p.AfterID,
		ThroughID:      p.ThroughID,
		WorkspaceID:    p.WorkspaceID,
		Now:            p.Now,
		QueuedAfter:    p.Thresholds.Queued,
		Families:       p.Thresholds.RunningFamilies,
		Afters:         p.Thresholds.RunningAfter,
		RunningDefault: p.Thresholds.RunningDefault,
		BatchSize:      int64(p.Limit),
	}
}

// RunCountStale counts stale runs waiting for a sweep (the sweeper's gauge).
func RunCountStale(ctx context.Context, db DBTX, t StaleThresholds, now time.Time) (int64, error) {
	n, err := sqlcdb.New(db).RunCountStale(ctx, sqlcdb.RunCountStaleParams{
		Now:            now,
		QueuedAfter:    t.Queued,
		Families:       t.RunningFamilies,
		Afters:         t.RunningAfter,
		RunningDefault: t.RunningDefault,
	})
	if err != nil {
		return 0, fmt.Errorf("count stale runs: %w", err)
	}
	return n, nil
}

// staleCondition is the stale condition of queries/stale.sql for the hub's
// hand-built query: true for an open run r that is stale at $now. It takes
// five parameters starting at $n: now, queued, families, afters, default.
func staleCondition(n int) string {
	return fmt.Sprintf(`(
		(r.status = 'queued' AND r.created_at < $%[1]d::timestamptz - $%[2]d::interval)
		OR (r.status = 'running' AND coalesce(r.last_heartbeat_at, r.started_at, r.created_at) <
			$%[1]d::timestamptz - coalesce(
				(SELECT t.after FROM unnest($%[3]d::text[], $%[4]d::interval[]) AS t(family, after) WHERE t.family = run_family(r.type)),
				$%[5]d::interval)))`, n, n+1, n+2, n+3, n+4)
}

func (s StaleThresholds) args(now time.Time) []any {
	return []any{now, s.Queued, s.RunningFamilies, s.RunningAfter, s.RunningDefault}
}
