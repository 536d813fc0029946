package app

import (
	"context"
	"time"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// maxAttempts bounds how often Reconcile judges a run that changed under it.
const maxAttempts = 3

// ReconcileRequest asks to reconcile run RunID of workspace WorkspaceID on
// behalf of member Subject.
type ReconcileRequest struct {
	WorkspaceID int64
	RunID       int64
	// Subject is the caller; recorded as the actor of a finalization.
	Subject string
	// DryRun evaluates and never writes.
	DryRun bool
	// Note is recorded with a finalization.
	Note string
}

// ReconcileResult is what Reconcile concluded and did.
type ReconcileResult struct {
	Decision domain.Decision
	// Applied: this call finalized the run.
	Applied bool
	DryRun  bool
	// Run is the run as it is after the call, read whole.
	Run RunView
	// Links are the links of Decision the caller can open now.
	Links []domain.Link
	// Now is when the run was judged.
	Now time.Time
}

// Reconcile is the manual reconcile (source "manual"; docs/contract.md,
// section 5.2). It reads the run in the member's scope first: every reason
// the run is hidden answers domain.ErrNotFound alike, before any proof is
// read; a member who may see it but not reconcile gets authz.ErrForbidden.
// Then a completed run yields already_terminal; an open run that is not
// stale yields not_stale (a dry run still evaluates); an unsupported family
// yields unsupported_family and is never finalized here. Otherwise the
// run's proof is loaded and decided, and a finalized decision is written
// (unless dry run) through the guarded write. When the run changed under
// the decision it is judged again, up to 3 attempts in all
// (domain.ErrConflict after the third); when it completed meanwhile the
// result is already_terminal with Applied false. Repeating a call is safe.
// Every call but a dry run is counted in the metrics.
func (a *App) Reconcile(ctx context.Context, req ReconcileRequest) (ReconcileResult, error) {
	m, run, err := repo.RunGetWholeForMember(ctx, a.pool, req.WorkspaceID, req.Subject, req.RunID)
	if err != nil {
		return ReconcileResult{}, err
	}
	if err := authz.Role(m.Role).Require(authz.CapReconcile); err != nil {
		return ReconcileResult{}, err
	}
	for range maxAttempts {
		res, changed, err := a.attempt(ctx, req, run)
		if err != nil {
			return ReconcileResult{}, err
		}
		if changed == nil {
			if !req.DryRun {
				a.count(keyOf(run.Family(), res.Decision))
			}
			views := []RunView{res.Run}
			if res.Links, err = a.relate(ctx, req.WorkspaceID, req.Subject, views, res.Decision.Links); err != nil {
				return ReconcileResult{}, err
			}
			res.Run = views[0]
			return res, nil
		}
		run = *changed
	}
	return ReconcileResult{}, domain.ErrConflict
}

// attempt judges run once. changed is the run as its lost write found it:
// still open but changed since it was read, so that it is judged again.
func (a *App) attempt(ctx context.Context, req ReconcileRequest, run domain.Run) (res ReconcileResult, changed *domain.Run, err error) {
	now := a.now()
	res = ReconcileResult{DryRun: req.DryRun, Now: now}
	if d, fresh := reconcile.Fresh(run, a.staleness, now); fresh && !req.DryRun {
		res.Decision, res.Run = d, a.view(run, now)
		return res, nil, nil
	}
	ds, err := Decide(ctx, a.pool, run)
	if err != nil {
		return ReconcileResult{}, nil, err
	}
	res.Decision, res.Run = ds[0], a.view(run, now)
	if req.DryRun || res.Decision.Kind != domain.DecisionFinalized {
		return res, nil, nil
	}
	if a.beforeWrite != nil {
		a.beforeWrite(ctx, run, res.Decision)
	}
	w, err := writeOne(ctx, a.pool, now, finalization{
		run: run, decision: res.Decision, source: domain.SourceManual, actor: req.Subject, note: req.Note,
	})
	if err != nil {
		return ReconcileResult{}, nil, err
	}
	switch w.Status {
	case repo.FinalizeWritten:
		res.Applied = true
	case repo.FinalizeAlreadyCompleted:
		res.Decision = reconcile.Decide(w.Run, proof.Proof{}) // already_terminal: a completed run needs no proof
	case repo.FinalizeChanged:
		return ReconcileResult{}, &w.Run, nil
	default:
		return ReconcileResult{}, nil, domain.ErrNotFound
	}
	res.Run = a.view(w.Run, now)
	return res, nil, nil
}

// keyOf is the counting key of decision d about a run of family f.
func keyOf(f domain.Family, d domain.Decision) DecisionKey {
	k := DecisionKey{Family: f, Decision: d.Kind}
	if d.Outcome != nil {
		k.Outcome = *d.Outcome
	}
	return k
}
