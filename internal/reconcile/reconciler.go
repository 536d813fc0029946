package reconcile

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// maxAttempts bounds how often Reconcile judges a run that changed under it.
const maxAttempts = 3

// Reconciler decides and finalizes single runs on request (the manual path
// of POST .../reconcile), with the same adapters and write path as the sweeper.
type Reconciler struct {
	pool      *pgxpool.Pool
	staleness domain.Staleness
	now       func() time.Time
	// beforeWrite, when set (by tests only), runs between the decision and
	// its write, to inject a late proof write.
	beforeWrite func(ctx context.Context, run domain.Run, d domain.Decision)
}

// NewReconciler returns a Reconciler on pool that judges staleness with
// staleness and takes time from now (time.Now when nil).
func NewReconciler(pool *pgxpool.Pool, staleness domain.Staleness, now func() time.Time) *Reconciler {
	if now == nil {
		now = time.Now
	}
	return &Reconciler{pool: pool, staleness: staleness, now: now}
}

// Staleness is the rule r judges staleness by.
func (r *Reconciler) Staleness() domain.Staleness { return r.staleness }

// Request asks to reconcile run RunID of workspace WorkspaceID.
type Request struct {
	WorkspaceID int64
	RunID       int64
	// DryRun evaluates and never writes.
	DryRun bool
	// Note is recorded with a finalization.
	Note string
	// Actor is the JWT subject, recorded with a finalization.
	Actor string
	// Run, when set, is the run as the caller just read it (whole, with
	// updated_at), so that Reconcile does not read it again.
	Run *domain.Run
}

// Result is what Reconcile concluded and did.
type Result struct {
	Decision domain.Decision
	// Applied: this call finalized the run.
	Applied bool
	DryRun  bool
	// Run is the run as it is after the call.
	Run domain.Run
}

// Reconcile is the manual path (source "manual"). A completed run yields
// already_terminal; a run that is not stale yields not_stale (a dry run
// still evaluates its adapter); an unsupported family yields
// unsupported_family and is never finalized here. Otherwise the run's proof
// is loaded and decided, and a finalized decision is written (unless dry
// run) through the guarded single write path. When the run changed under the
// decision it is judged again, up to 3 attempts in all; when it completed
// meanwhile the result is already_terminal with Applied false. Repeating a
// call is safe. Errors: domain.ErrNotFound when the run is not in the
// workspace (or disappears), domain.ErrConflict after 3 lost attempts, and
// database errors.
func (r *Reconciler) Reconcile(ctx context.Context, req Request) (Result, error) {
	run, err := r.read(ctx, req)
	if err != nil {
		return Result{}, err
	}
	for range maxAttempts {
		res, changed, err := r.attempt(ctx, req, run)
		if err != nil || changed == nil {
			return res, err
		}
		run = *changed
	}
	return Result{}, domain.ErrConflict
}

// read returns the run req names: the caller's read when it passed one.
func (r *Reconciler) read(ctx context.Context, req Request) (domain.Run, error) {
	if req.Run != nil {
		return *req.Run, nil
	}
	return repo.RunGet(ctx, r.pool, req.WorkspaceID, req.RunID)
}

// attempt judges run once. changed is the run as its lost write found it:
// still open but changed since it was read, so that it is judged again.
func (r *Reconciler) attempt(ctx context.Context, req Request, run domain.Run) (res Result, changed *domain.Run, err error) {
	res = Result{DryRun: req.DryRun, Run: run}
	now := r.now()
	if run.Status == domain.StatusCompleted {
		res.Decision = alreadyTerminal(run)
		return res, nil, nil
	}
	if !req.DryRun && !r.staleness.IsStale(run, now) {
		res.Decision = notStale(run, r.staleness, now)
		return res, nil, nil
	}
	decisions, err := DecideBatch(ctx, r.pool, []domain.Run{run})
	if err != nil {
		return Result{}, nil, err
	}
	res.Decision = decisions[0]
	if req.DryRun || res.Decision.Kind != domain.DecisionFinalized {
		return res, nil, nil
	}
	if r.beforeWrite != nil {
		r.beforeWrite(ctx, run, res.Decision)
	}
	written, err := FinalizeBatch(ctx, r.pool, now, []Finalization{{
		Run: run, Decision: res.Decision, Source: domain.SourceManual, Actor: req.Actor, Note: req.Note,
	}})
	if err != nil {
		return Result{}, nil, err
	}
	switch w := written[0]; w.Status {
	case repo.FinalizeWritten:
		res.Applied = true
		if res.Run, err = repo.RunGet(ctx, r.pool, req.WorkspaceID, req.RunID); err != nil {
			return Result{}, nil, err
		}
	case repo.FinalizeAlreadyCompleted:
		res.Decision, res.Run = alreadyTerminal(w.Run), w.Run
	case repo.FinalizeChanged:
		return Result{}, &w.Run, nil
	default:
		return Result{}, nil, domain.ErrNotFound
	}
	return res, nil, nil
}
