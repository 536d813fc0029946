package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// The one path from a run to its decision and its write, shared by a manual
// reconcile and the sweep: Decide, then write or writeOne, then count.

// Decide loads the proof of runs, set-based in one round trip whatever
// their number, and decides each run from it (reconcile.Decide): completed
// runs are already_terminal, families without an adapter
// unsupported_family. It does not judge staleness. Run it on the
// transaction that holds the runs' locks when there is one. It returns one
// decision per run, in order, and only database errors.
func Decide(ctx context.Context, db repo.DBTX, runs ...domain.Run) ([]domain.Decision, error) {
	reqs := make([]proof.Request, len(runs))
	for i, run := range runs {
		reqs[i] = proof.Request{Run: run, Kind: reconcile.ProofKind(run)}
	}
	proofs, err := repo.ProofLoad(ctx, db, reqs)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Decision, len(runs))
	for i, run := range runs {
		out[i] = reconcile.Decide(run, proofs[i])
	}
	return out, nil
}

// errNotFinalized refuses to write a decision that does not complete its
// run (not finalized, or without a terminal outcome).
var errNotFinalized = errors.New("decision does not finalize the run")

// finalization is one decided run to write.
type finalization struct {
	// run is the run as judged: its UpdatedAt guards the write.
	run      domain.Run
	decision domain.Decision
	source   domain.Source
	// actor is the member's subject; "" records "system".
	actor string
	note  string
}

// params is f as the guarded write takes it, with the decision record
// stored in context.reconciliation (docs/contract.md, section 6).
func (f finalization) params(now time.Time) (repo.FinalizeParams, error) {
	d := f.decision
	if !d.Finalizes() {
		return repo.FinalizeParams{}, fmt.Errorf("run %d: %w (%s)", f.run.ID, errNotFinalized, d.Kind)
	}
	return repo.FinalizeParams{
		RunID:         f.run.ID,
		SeenUpdatedAt: f.run.UpdatedAt,
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
			Source:         f.source,
			Actor:          cmp.Or(f.actor, "system"),
			Adapter:        d.Adapter,
			PreviousStatus: f.run.Status,
			ReconciledAt:   now,
			Note:           f.note,
		},
	}, nil
}

// write finalizes many runs through the guarded write (repo.RunFinalizeBatch,
// one statement): each run is completed only if it is still open and
// unchanged since it was judged. It returns one result per finalization, in
// order, and refuses (writing nothing) a decision that does not finalize.
func write(ctx context.Context, db repo.DBTX, now time.Time, fs []finalization) ([]repo.FinalizeResult, error) {
	ps := make([]repo.FinalizeParams, len(fs))
	for i, f := range fs {
		p, err := f.params(now)
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	return repo.RunFinalizeBatch(ctx, db, ps)
}

// writeOne is write for one run; its result carries the run as it is after
// the write, written or not (zero when the run is gone).
func writeOne(ctx context.Context, db repo.DBTX, now time.Time, f finalization) (repo.FinalizeResult, error) {
	p, err := f.params(now)
	if err != nil {
		return repo.FinalizeResult{}, err
	}
	return repo.RunFinalizeOne(ctx, db, p)
}

// DecisionKey groups decisions for counting: the run's canonical family,
// the decision taken and the outcome written ("" when none).
type DecisionKey struct {
	Family   domain.Family
	Decision domain.DecisionKind
	Outcome  domain.Outcome
}

// count is the one place decisions are counted in the metrics: a manual
// reconcile's answer, and each run a sweep pass finalized.
func (a *App) count(k DecisionKey) {
	if a.metrics == nil {
		return
	}
	a.metrics.CountDecision(string(k.Family), string(k.Decision), string(k.Outcome))
}
