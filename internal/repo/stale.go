package repo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
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
	types, afters := p.Thresholds.byType()
	return sqlcdb.RunReadStaleParams{
		AfterID:        p.AfterID,
		ThroughID:      p.ThroughID,
		WorkspaceID:    p.WorkspaceID,
		Now:            p.Now,
		QueuedAfter:    p.Thresholds.Queued,
		Types:          types,
		Afters:         afters,
		RunningDefault: p.Thresholds.RunningDefault,
		BatchSize:      int64(p.Limit),
	}
}

// RunCountStale counts stale runs waiting for a sweep (the sweeper's gauge).
func RunCountStale(ctx context.Context, db DBTX, t StaleThresholds, now time.Time) (int64, error) {
	types, afters := t.byType()
	n, err := sqlcdb.New(db).RunCountStale(ctx, sqlcdb.RunCountStaleParams{
		Now:            now,
		QueuedAfter:    t.Queued,
		Types:          types,
		Afters:         afters,
		RunningDefault: t.RunningDefault,
	})
	if err != nil {
		return 0, fmt.Errorf("count stale runs: %w", err)
	}
	return n, nil
}

// byType returns the running thresholds per stored type: each family's
// under its canonical name and under each of its aliases, as the SQL looks
// them up by a run's type instead of calling run_family for every row.
func (t StaleThresholds) byType() (types []string, afters []time.Duration) {
	for i, f := range t.RunningFamilies {
		for _, typ := range append([]string{f}, domain.AliasesOf(domain.Family(f))...) {
			types = append(types, typ)
			afters = append(afters, t.RunningAfter[i])
		}
	}
	return types, afters
}

// staleCondition is the stale condition of queries/stale.sql for the hub's
// hand-built query: true for an open run r that is stale at $n (now). The
// thresholds are SQL literals, not parameters, looked up by the run's type
// in a CASE: they are fixed per process, so the text is too, and
// PostgreSQL can keep one generic plan for it (with the thresholds as
// parameters, arrays among them, it planned every stale page anew). Each
// time is compared as an expression, never as a bare column against $n:
// PostgreSQL then estimates the condition alike whatever $n is, so the
// generic plan costs what the custom ones would and is the one it keeps.
func staleCondition(t StaleThresholds, n int) string {
	var b strings.Builder
	now := "$" + strconv.Itoa(n) + "::timestamptz"
	b.WriteString("(\n\t\t(r.status = 'queued' AND r.created_at + ")
	b.WriteString(intervalLiteral(t.Queued))
	b.WriteString(" < ")
	b.WriteString(now)
	b.WriteString(")\n\t\tOR (r.status = 'running' AND coalesce(r.last_heartbeat_at, r.started_at, r.created_at) + ")
	types, afters := t.byType()
	if len(types) > 0 {
		b.WriteString("CASE r.type")
		for i, typ := range types {
			b.WriteString(" WHEN ")
			b.WriteString(stringLiteral(typ))
			b.WriteString(" THEN ")
			b.WriteString(intervalLiteral(afters[i]))
		}
		b.WriteString(" ELSE ")
	}
	b.WriteString(intervalLiteral(t.RunningDefault))
	if len(types) > 0 {
		b.WriteString(" END")
	}
	b.WriteString(" < ")
	b.WriteString(now)
	b.WriteString("))")
	return b.String()
}

// intervalLiteral is d as an SQL interval literal, in whole microseconds as
// pgx sends a time.Duration.
func intervalLiteral(d time.Duration) string {
	return "interval '" + strconv.FormatInt(d.Microseconds(), 10) + " microseconds'"
}

// stringLiteral is s as an SQL escape string literal, read alike whatever
// standard_conforming_strings says.
func stringLiteral(s string) string {
	return "E'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}
