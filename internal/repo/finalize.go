package repo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/runproof/runproof/internal/domain"
)

// FinalizeParams is one guarded finalization: complete run RunID with
// Outcome, but only if it is still open and its updated_at is still
// SeenUpdatedAt, the state the decision was made on.
type FinalizeParams struct {
	RunID         int64
	SeenUpdatedAt time.Time
	// Outcome is a terminal outcome (succeeded, partially_succeeded, blocked,
	// failed or cancelled); the schema rejects anything else.
	Outcome domain.Outcome
	// CompletedAt becomes completed_at.
	CompletedAt time.Time
	// SummaryCounts is merged over the run's summary_counts (its keys win).
	SummaryCounts map[string]int64
	// Reconciliation becomes context.reconciliation.
	Reconciliation domain.Reconciliation
}

// FinalizeStatus says what a guarded finalization found.
type FinalizeStatus int

const (
	// FinalizeWritten: this call completed the run.
	FinalizeWritten FinalizeStatus = iota + 1
	// FinalizeAlreadyCompleted: the run was completed by someone else (its
	// job, another reconciler); nothing was written.
	FinalizeAlreadyCompleted
	// FinalizeChanged: the run is still open but changed since it was read
	// (heartbeat, context or a proof write); judge it again.
	FinalizeChanged
	// FinalizeGone: the run no longer exists.
	FinalizeGone
)

// FinalizeResult is the fate of one FinalizeParams. Run is the current row
// when nothing was written (zero when the run is gone, or when it was
// written: the sweeper writes thousands and needs none of them back, so a
// caller that wants the written row reads it).
type FinalizeResult struct {
	RunID  int64
	Status FinalizeStatus
	Run    domain.Run
}

// finalizeSQL is the only statement that writes a run's lifecycle state. Each
// row is written only while it is open and unchanged since it was judged.
const finalizeSQL = `WITH v AS (
		SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::jsonb[])
			AS v(id, seen, outcome, completed_at, summary, rec)
	), u AS (
		UPDATE operation_runs r SET
			status = 'completed',
			outcome = v.outcome,
			completed_at = v.completed_at,
			summary_counts = r.summary_counts || v.summary,
			context = jsonb_set(r.context, '{reconciliation}', v.rec)
		FROM v
		WHERE r.id = v.id AND r.status <> 'completed' AND r.updated_at = v.seen
		RETURNING r.id
	)
	SELECT id FROM u`

// RunFinalizeBatch is the single write path of run lifecycle state: one
// UPDATE completes every run whose guard (still open, updated_at unchanged)
// holds, writing status, outcome, completed_at, summary_counts and
// context.reconciliation together. It returns one result per param, in
// order; runs that were not written are read once more to tell
// FinalizeAlreadyCompleted, FinalizeChanged and FinalizeGone apart. It
// returns an error for a run id given twice, an encoding failure or a
// database error; on a database error nothing is known to be written unless
// the caller's transaction commits.
func RunFinalizeBatch(ctx context.Context, db DBTX, ps []FinalizeParams) ([]FinalizeResult, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	n := len(ps)
	ids := make([]int64, n)
	seen := make([]time.Time, n)
	outcomes := make([]domain.Outcome, n)
	completed := make([]time.Time, n)
	summaries := make([]string, n)
	recs := make([]string, n)
	index := make(map[int64]int, n)
	for i, p := range ps {
		if _, dup := index[p.RunID]; dup {
			return nil, fmt.Errorf("finalize: run %d given twice", p.RunID)
		}
		index[p.RunID] = i
		summary, err := json.Marshal(nonNilCounts(p.SummaryCounts))
		if err != nil {
			return nil, fmt.Errorf("finalize run %d: encode summary: %w", p.RunID, err)
		}
		rec, err := json.Marshal(p.Reconciliation)
		if err != nil {
			return nil, fmt.Errorf("finalize run %d: encode reconciliation: %w", p.RunID, err)
		}
		ids[i], seen[i], outcomes[i], completed[i] = p.RunID, p.SeenUpdatedAt, p.Outcome, p.CompletedAt
		summaries[i], recs[i] = string(summary), string(rec)
	}

	out := make([]FinalizeResult, n)
	rows, err := db.Query(ctx, finalizeSQL, ids, seen, outcomes, completed, summaries, recs)
	if err != nil {
		return nil, fmt.Errorf("finalize runs: %w", err)
	}
	written, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("finalize runs: %w", err)
	}
	for _, id := range written {
		out[index[id]] = FinalizeResult{RunID: id, Status: FinalizeWritten}
	}
	if len(written) == n {
		return out, nil
	}
	if err := classifyUnwritten(ctx, db, index, out); err != nil {
		return nil, err
	}
	return out, nil
}

// classifyUnwritten reads the runs a finalization did not write (index maps
// each run id to its result), in a fresh statement so that it sees what beat
// the guard, and fills their results.
func classifyUnwritten(ctx context.Context, db DBTX, index map[int64]int, out []FinalizeResult) error {
	var missing []int64
	for id, i := range index {
		if out[i].Status == 0 {
			missing = append(missing, id)
			out[i] = FinalizeResult{RunID: id, Status: FinalizeGone}
		}
	}
	rows, err := db.Query(ctx, `SELECT `+runColumns+` FROM `+runFrom+` WHERE r.id = ANY($1)`, missing)
	if err != nil {
		return fmt.Errorf("finalize runs: read back: %w", err)
	}
	read, err := pgx.CollectRows(rows, collectRun)
	if err != nil {
		return fmt.Errorf("finalize runs: read back: %w", err)
	}
	for _, r := range read {
		status := FinalizeChanged
		if r.Status == domain.StatusCompleted {
			status = FinalizeAlreadyCompleted
		}
		out[index[r.ID]] = FinalizeResult{RunID: r.ID, Status: status, Run: r}
	}
	return nil
}

func nonNilCounts(m map[string]int64) map[string]int64 {
	if m == nil {
		return map[string]int64{}
	}
	return m
}
