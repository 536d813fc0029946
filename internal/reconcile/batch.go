package reconcile

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/repo"
)

// ErrNotFinalized is returned by FinalizeBatch for a decision that does not
// finalize its run (not finalized, or without a terminal outcome).
var ErrNotFinalized = errors.New("decision does not finalize the run")

// DecideBatch decides many runs at once, as the sweeper does: it loads the
// proof of every supported run set-based (one round trip, at most one query
// per artifact kind) and returns one decision per run, in order. Completed
// runs get already_terminal and unsupported families unsupported_family
// (the sweeper applies StalePath to those and to not_reconciled). It does
// not check staleness: the caller claimed the runs as stale. Run it on the
// transaction that holds the runs' locks. It returns only database errors.
func DecideBatch(ctx context.Context, db repo.DBTX, runs []domain.Run) ([]domain.Decision, error) {
	reqs := make([]proof.Request, len(runs))
	families := make([]registered, len(runs)) // zero: unsupported
	for i, run := range runs {
		reqs[i] = proof.Request{Run: run}
		families[i] = registry[domain.Canonical(run.Type)]
		if run.Status != domain.StatusCompleted {
			reqs[i].Kind = families[i].kind
		}
	}
	proofs, err := repo.ProofLoad(ctx, db, reqs)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Decision, len(runs))
	for i, run := range runs {
		switch adapter := families[i].adapter; {
		case run.Status == domain.StatusCompleted:
			out[i] = alreadyTerminal(run)
		case adapter == nil:
			out[i] = unsupported(run)
		default:
			out[i] = adapter.Decide(run, proofs[i])
		}
	}
	return out, nil
}

// Finalization is one decided run to write.
type Finalization struct {
	// Run is the run as judged: its UpdatedAt guards the write.
	Run domain.Run
	// Decision must be finalized with a terminal outcome.
	Decision domain.Decision
	Source   domain.Source
	// Actor is the JWT subject; "" records "system".
	Actor string
	// Note is the operator's optional note.
	Note string
}

// FinalizeBatch writes finalized decisions through the single write path
// (repo.RunFinalizeBatch, one statement): each run is completed only if it is
// still open and unchanged since it was judged, with its outcome, summary
// counts and context.reconciliation. It returns one result per finalization,
// in order: FinalizeChanged means judge again, FinalizeAlreadyCompleted that
// someone else completed it. It returns ErrNotFinalized (wrapped, nothing
// written) when a decision does not finalize, and database errors.
func FinalizeBatch(ctx context.Context, db repo.DBTX, now time.Time, fs []Finalization) ([]repo.FinalizeResult, error) {
	ps := make([]repo.FinalizeParams, len(fs))
	for i, f := range fs {
		d := f.Decision
		if d.Kind != domain.DecisionFinalized || d.Outcome == nil || *d.Outcome == domain.OutcomePending || *d.Outcome == "" {
			return nil, fmt.Errorf("run %d: %w (%s)", f.Run.ID, ErrNotFinalized, d.Kind)
		}
		ps[i] = repo.FinalizeParams{
			RunID:         f.Run.ID,
			SeenUpdatedAt: f.Run.UpdatedAt,
			Outcome:       *d.Outcome,
			CompletedAt:   now,
			SummaryCounts: d.Summary,
			Reconciliation: domain.Reconciliation{
				Decision:       d.Kind,
				Outcome:        *d.Outcome,
				ReasonCode:     d.ReasonCode,
				Explanation:    d.Explanation,
				Proof:          d.Proof,
				Links:          d.Links,
				Source:         f.Source,
				Actor:          cmp.Or(f.Actor, "system"),
				Adapter:        cmp.Or(d.Adapter, adapterGeneric),
				PreviousStatus: f.Run.Status,
				ReconciledAt:   now,
				Note:           f.Note,
			},
		}
	}
	return repo.RunFinalizeBatch(ctx, db, ps)
}
