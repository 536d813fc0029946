package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo/internal/sqlcdb"
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
	// FinalizeWritten means this call completed the run.
	FinalizeWritten FinalizeStatus = iota + 1
	// FinalizeAlreadyCompleted means the run was completed by someone else (its
	// job, another reconciler); nothing was written.
	FinalizeAlreadyCompleted
	// FinalizeChanged means the run is still open but changed since it was read
	// (heartbeat, context or a proof write); judge it again.
	FinalizeChanged
	// FinalizeGone means the run no longer exists.
	FinalizeGone
)

// FinalizeResult is the fate of one FinalizeParams. Run is the run's current
// row when nothing was written, the written row when RunFinalizeOne wrote it,
// and zero when the run is gone or RunFinalizeBatch wrote it (the sweeper
// writes thousands and needs none of them back).
type FinalizeResult struct {
	RunID  int64
	Status FinalizeStatus
	Run    domain.Run
}

// RunFinalizeBatch is the single write path of run lifecycle state: one
// UPDATE (queries/finalize.sql, which says why its guard is sound) completes
// every run whose guard (still open, updated_at unchanged) holds, writing
// status, outcome, completed_at, summary_counts and context.reconciliation
// together. It returns one result per param, in order; runs that were not
// written are read once more to tell FinalizeAlreadyCompleted,
// FinalizeChanged and FinalizeGone apart. It returns an error for a run id
// given twice, an encoding failure or a database error; on a database error
// nothing is known to be written unless the caller's transaction commits.
func RunFinalizeBatch(ctx context.Context, db DBTX, ps []FinalizeParams) ([]FinalizeResult, error) {
	return finalize(ctx, db, ps, false)
}

// RunFinalizeOne is RunFinalizeBatch for one run, through the same
// statement; when it writes, the result carries the written row, with its
// environment's name, so that the caller needs no second read. Losing the
// guard is a result, not an error.
func RunFinalizeOne(ctx context.Context, db DBTX, p FinalizeParams) (FinalizeResult, error) {
	res, err := finalize(ctx, db, []FinalizeParams{p}, true)
	if err != nil {
		return FinalizeResult{}, err
	}
	return res[0], nil
}

// finalize runs the finalize statement over ps; withRuns returns the written
// rows in the results.
func finalize(ctx context.Context, db DBTX, ps []FinalizeParams, withRuns bool) ([]FinalizeResult, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	n := len(ps)
	arg := sqlcdb.RunFinalizeParams{
		WithRuns:    withRuns,
		Ids:         make([]int64, n),
		Seen:        make([]time.Time, n),
		Outcomes:    make([]string, n),
		CompletedAt: make([]time.Time, n),
	}
	summaries := make([]byte, 0, 64*n)
	recs := make([]byte, 0, 768*n)
	index := make(map[int64]int, n)
	var w jsonWriter
	for i, p := range ps {
		if _, dup := index[p.RunID]; dup {
			return nil, fmt.Errorf("finalize: run %d given twice", p.RunID)
		}
		index[p.RunID] = i
		sep := byte(',')
		if i == 0 {
			sep = '['
		}
		summaries = w.appendCounts(append(summaries, sep), p.SummaryCounts)
		var err error
		if recs, err = w.appendReconciliation(append(recs, sep), p.Reconciliation); err != nil {
			return nil, fmt.Errorf("finalize run %d: encode reconciliation: %w", p.RunID, err)
		}
		arg.Ids[i], arg.Seen[i], arg.Outcomes[i], arg.CompletedAt[i] = p.RunID, p.SeenUpdatedAt, string(p.Outcome), p.CompletedAt
	}
	summaries, recs = append(summaries, ']'), append(recs, ']')
	arg.Summaries, arg.Reconciliations = summaries, recs

	written, err := sqlcdb.New(db).RunFinalize(ctx, arg)
	if err != nil {
		return nil, fmt.Errorf("finalize runs: %w", err)
	}
	out := make([]FinalizeResult, n)
	for _, w := range written {
		res := FinalizeResult{RunID: w.ID, Status: FinalizeWritten}
		if withRuns {
			res.Run = writtenRun(w)
		}
		out[index[w.ID]] = res
	}
	if len(written) == n {
		return out, nil
	}
	if err := classifyUnwritten(ctx, db, index, out); err != nil {
		return nil, err
	}
	return out, nil
}

// writtenRun maps a row returned by the finalize statement with its run.
func writtenRun(w sqlcdb.RunFinalizeRow) domain.Run {
	return domain.Run{
		ID:              w.ID,
		WorkspaceID:     w.WorkspaceID,
		EnvironmentID:   w.ManagedEnvironmentID,
		EnvironmentName: w.EnvironmentName,
		Type:            w.Type,
		Status:          domain.Status(w.Status),
		Outcome:         domain.Outcome(w.Outcome),
		Initiator:       w.Initiator,
		Context:         w.Context,
		SummaryCounts:   w.SummaryCounts,
		Failures:        w.Failures,
		CreatedAt:       w.CreatedAt,
		StartedAt:       w.StartedAt,
		LastHeartbeatAt: w.LastHeartbeatAt,
		CompletedAt:     w.CompletedAt,
		UpdatedAt:       w.UpdatedAt,
	}
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
	rows, err := sqlcdb.New(db).RunsByID(ctx, missing)
	if err != nil {
		return fmt.Errorf("finalize runs: read back: %w", err)
	}
	for _, r := range rows {
		run := runOf(r.OperationRun, r.EnvironmentName)
		status := FinalizeChanged
		if run.Status == domain.StatusCompleted {
			status = FinalizeAlreadyCompleted
		}
		out[index[run.ID]] = FinalizeResult{RunID: run.ID, Status: status, Run: run}
	}
	return nil
}
