package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// SweepOptions narrow one sweep pass.
type SweepOptions struct {
	// WorkspaceID limits the pass to one workspace.
	WorkspaceID *int64
	// DryRun decides every stale run and reports it, writing nothing.
	DryRun bool
}

// SweepResult is what one pass did.
type SweepResult struct {
	Batches int
	// Claimed counts stale runs this pass judged (and locked, unless a dry run).
	Claimed int
	// Finalized counts runs this pass completed (0 on a dry run).
	Finalized int
	// Skipped counts claimed runs whose guarded write did not apply.
	Skipped int
	// Failed counts claimed runs that could not be decided or written on
	// their own; each is logged with its id and tried again next pass.
	Failed int
	// Counts groups the runs finalized (on a dry run: every run judged) by
	// family, the decision taken (the family's own, or unsupported_family)
	// and the outcome written.
	Counts map[DecisionKey]int
}

// Sweep is one pass of the stale sweep (docs/contract.md, section 5.2): it
// claims every stale run it can, batch after batch (FOR UPDATE SKIP LOCKED,
// so replicas never share a run), decides each with the same path as a
// manual reconcile, sends what its adapter did not finalize down the generic
// stale path (reconcile.StalePath), and writes through the guarded write. A
// batch is one transaction: it commits whole or not at all, so an error or a
// cancelled ctx leaves no half-written run, and the next pass picks up the
// rest. A run that fails its batch (its row makes a query or the write fail)
// does not stall the others: the batch's runs are then settled one at a
// time, and the run that fails alone is counted in the metrics, logged with
// its id and left for the next pass. When every run of a batch fails alone,
// the cause is not one run's (a missing table, say): the pass goes on to the
// next batches but returns that error. Sweep returns the work of the batches
// that committed and the first error.
func (a *App) Sweep(ctx context.Context, opts SweepOptions) (SweepResult, error) {
	p := &pass{res: SweepResult{Counts: map[DecisionKey]int{}}}
	var g errgroup.Group
	for range a.workers {
		g.Go(func() error {
			for !p.exhausted() {
				b, err := a.sweepBatch(ctx, opts, p)
				if err != nil && !errors.Is(err, errEveryRunFailed) {
					return fmt.Errorf("sweep: %w", err)
				}
				p.add(b, err, opts.DryRun)
				a.report(b, opts.DryRun, err == nil)
			}
			return nil
		})
	}
	if err := cmp.Or(g.Wait(), p.everyRunFailed); err != nil {
		return p.res, err
	}
	if a.metrics != nil && !opts.DryRun {
		waiting, err := repo.RunCountStale(ctx, a.pool, a.thresholds, a.now())
		if err != nil { // the pass itself succeeded; only the gauge stays behind
			a.log.Warn("sweep: stale runs not counted", "error", err)
		} else {
			a.metrics.SetStaleWaiting(waiting)
		}
	}
	return p.res, nil
}

// pass is what the workers of one pass share: the keyset position of its
// claims, and its result.
type pass struct {
	// claiming serializes the claims: each starts after the last run the
	// one before it claimed, so no worker walks again over runs another
	// holds or has finished, and none claims a run twice in a pass. A claim
	// is a small part of a batch's work; deciding and writing overlap.
	claiming sync.Mutex
	afterID  int64
	done     bool // a claim came back short: nothing is left to claim

	mu  sync.Mutex
	res SweepResult
	// everyRunFailed is the first batch whose runs all failed.
	everyRunFailed error
}

// claim runs read, which claims the stale runs after an id, for the pass's
// next batch of size runs. It returns the runs and the id they follow.
func (p *pass) claim(size int, read func(afterID int64) ([]domain.Run, error)) ([]domain.Run, int64, error) {
	p.claiming.Lock()
	defer p.claiming.Unlock()
	if p.done {
		return nil, 0, nil
	}
	after := p.afterID
	runs, err := read(after)
	if err != nil {
		return nil, 0, err
	}
	p.done = len(runs) < size
	if len(runs) > 0 {
		p.afterID = runs[len(runs)-1].ID
	}
	return runs, after, nil
}

func (p *pass) exhausted() bool {
	p.claiming.Lock()
	defer p.claiming.Unlock()
	return p.done
}

// add counts batch b, whose error (errEveryRunFailed or nil) is err.
func (p *pass) add(b batch, err error, dryRun bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil && p.everyRunFailed == nil {
		p.everyRunFailed = fmt.Errorf("sweep: %w", err)
	}
	if len(b.runs) == 0 {
		return
	}
	res := &p.res
	res.Batches++
	res.Claimed += len(b.runs)
	res.Failed += len(b.failed)
	if !dryRun {
		res.Finalized += len(b.settled)
		res.Skipped += len(b.runs) - len(b.settled) - len(b.failed)
	}
	for _, k := range b.settled {
		res.Counts[k]++
	}
}

// batch is what one sweep batch did.
type batch struct {
	// runs are the runs claimed and judged.
	runs []domain.Run
	// settled are the keys of the runs finalized (dry run: judged).
	settled []DecisionKey
	failed  []runFailure
	took    time.Duration
}

// runFailure is a run that failed on its own.
type runFailure struct {
	id  int64
	err error
}

// report logs and counts a batch: its runs finalized, and each run that
// failed on its own, named in a log line unless the whole batch failed
// (the pass's error says why).
func (a *App) report(b batch, dryRun, nameFailures bool) {
	if len(b.runs) == 0 {
		return
	}
	if !dryRun {
		for _, k := range b.settled {
			a.count(k)
		}
	}
	for _, f := range b.failed {
		if a.metrics != nil {
			a.metrics.CountSweepRunFailure()
		}
		if !nameFailures {
			continue
		}
		a.log.Error("sweep: run failed; the next pass tries it again", "run_id", f.id, "err", f.err)
	}
	finalized := 0
	if !dryRun {
		finalized = len(b.settled)
	}
	a.log.Info("sweep batch", "claimed", len(b.runs), "finalized", finalized, "failed", len(b.failed),
		"dry_run", dryRun, "first_id", b.runs[0].ID, "last_id", b.runs[len(b.runs)-1].ID, "took", b.took)
}

// errEveryRunFailed marks a batch of several runs that all failed on their
// own.
var errEveryRunFailed = errors.New("every run of the batch failed on its own")

// sweepBatch claims the pass's next batch of stale runs, decides and
// finalizes them in one transaction. A dry run reads without locks in a
// read-only transaction: PostgreSQL itself refuses any write it might
// attempt. When the batch fails for a reason other than the database being
// unavailable or ctx ending, one of its runs may be the cause: the batch
// is rolled back and its runs are settled one at a time in a second
// transaction (settleAlone). With errEveryRunFailed it returns the batch
// all the same, written nothing.
func (a *App) sweepBatch(ctx context.Context, opts SweepOptions, p *pass) (batch, error) {
	start := time.Now()
	now := a.now()
	ctx, cancel := context.WithTimeout(ctx, a.batchLimit)
	defer cancel()
	var (
		b        batch
		afterID  int64
		batchErr error // the error of a batch that one of its runs may have caused
	)
	err := repo.InTx(ctx, a.pool, opts.DryRun, func(tx repo.DBTX) error {
		if err := repo.LimitStatements(ctx, tx, a.batchLimit); err != nil {
			return err
		}
		runs, after, err := p.claim(a.batchSize, func(after int64) ([]domain.Run, error) {
			return a.claim(ctx, tx, opts, now, after, nil)
		})
		if err != nil || len(runs) == 0 {
			return err
		}
		b.runs, afterID = runs, after
		if a.afterClaim != nil {
			a.afterClaim(ctx, tx)
		}
		b.settled, err = a.settle(ctx, tx, runs, now, opts.DryRun)
		if err != nil && ctx.Err() == nil && !repo.IsUnavailable(err) {
			batchErr = err
		}
		return err
	})
	if batchErr != nil {
		// Settling the runs one by one needs savepoints, which cost two round
		// trips each: taken only here, after a batch failed, not on every
		// batch.
		b, err = a.settleAlone(ctx, opts, now, afterID, b.runs[len(b.runs)-1].ID)
	}
	b.took = time.Since(start)
	switch {
	case errors.Is(err, errEveryRunFailed):
		return b, err
	case err != nil:
		return batch{}, err
	}
	return b, nil
}

// settleAlone claims again the stale runs of a failed batch, those after
// afterID up to throughID, and settles each one alone in a savepoint, so
// that every run but the one that fails is finalized in this pass.
func (a *App) settleAlone(ctx context.Context, opts SweepOptions, now time.Time, afterID, throughID int64) (batch, error) {
	var b batch
	err := repo.InTx(ctx, a.pool, opts.DryRun, func(tx repo.DBTX) error {
		if err := repo.LimitStatements(ctx, tx, a.batchLimit); err != nil {
			return err
		}
		runs, err := a.claim(ctx, tx, opts, now, afterID, &throughID)
		if err != nil {
			return err
		}
		b.runs = runs
		for _, run := range runs {
			err := repo.InSavepoint(ctx, tx, func() error {
				settled, err := a.settle(ctx, tx, []domain.Run{run}, now, opts.DryRun)
				b.settled = append(b.settled, settled...)
				return err
			})
			switch {
			case err == nil:
			case ctx.Err() != nil || errors.Is(err, repo.ErrTxLost):
				return err
			default:
				b.failed = append(b.failed, runFailure{id: run.ID, err: err})
			}
		}
		if len(runs) > 1 && len(b.failed) == len(runs) {
			return fmt.Errorf("%w (runs %d to %d): %w", errEveryRunFailed, runs[0].ID, runs[len(runs)-1].ID, b.failed[0].err)
		}
		return nil
	})
	return b, err
}

// claim locks the stale runs after afterID (up to throughID when set), a
// batch at most; a dry run reads them without locks.
func (a *App) claim(ctx context.Context, tx repo.DBTX, opts SweepOptions, now time.Time, afterID int64, throughID *int64) ([]domain.Run, error) {
	read := repo.RunClaimStale
	if opts.DryRun {
		read = repo.RunReadStale
	}
	return read(ctx, tx, repo.RunClaimStaleParams{
		Thresholds:  a.thresholds,
		Now:         now,
		AfterID:     afterID,
		ThroughID:   throughID,
		WorkspaceID: opts.WorkspaceID,
		Limit:       a.batchSize,
	})
}

// settle decides runs claimed as stale and, unless dryRun, writes them:
// a finalized decision as decided, anything else down the generic stale
// path. It returns the keys of the runs it wrote (dry run: of every run).
func (a *App) settle(ctx context.Context, tx repo.DBTX, runs []domain.Run, now time.Time, dryRun bool) ([]DecisionKey, error) {
	decisions, err := Decide(ctx, tx, runs...)
	if err != nil {
		return nil, fmt.Errorf("decide: %w", err)
	}
	keys := make([]DecisionKey, len(runs))
	fs := make([]finalization, len(runs))
	for i, run := range runs {
		final := reconcile.StalePath(decisions[i], run)
		keys[i] = DecisionKey{Family: run.Family(), Decision: decisions[i].Kind, Outcome: *final.Outcome}
		fs[i] = finalization{run: run, decision: final, source: domain.SourceSweep}
	}
	if dryRun {
		return keys, nil
	}
	results, err := write(ctx, tx, now, fs)
	if err != nil {
		return nil, fmt.Errorf("finalize: %w", err)
	}
	var written []DecisionKey
	for i, r := range results {
		if r.Status == repo.FinalizeWritten {
			written = append(written, keys[i])
		}
	}
	return written, nil
}
