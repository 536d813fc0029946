package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
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
// so replicas and workers never share a run), decides each with the same
// path as a manual reconcile, sends what its adapter did not finalize down
// the generic stale path (reconcile.StalePath), and writes through the
// guarded write. A batch is one transaction: it commits whole or not at
// all, so an error or a cancelled ctx leaves no half-written run, and the
// next pass picks up the rest. A run that fails its batch (its row makes a
// query or the write fail) does not stall the others: the batch's runs are
// then settled one at a time, and the run that fails alone is counted in
// the metrics, logged with its id and left for the next pass. When every
// run of a batch fails alone, the cause is not one run's (a missing table,
// say): the pass goes on to the next batches but returns that error.
// Sweep returns the work of the batches that committed and the first error.
func (a *App) Sweep(ctx context.Context, opts SweepOptions) (SweepResult, error) {
	p := &pass{res: SweepResult{Counts: map[DecisionKey]int{}}, failed: map[int64]bool{}}
	var g errgroup.Group
	workers := a.workers
	if opts.DryRun {
		workers = 1 // a dry run changes nothing, so a second worker would judge the same runs again
	}
	for range workers {
		g.Go(func() error {
			// Each worker keeps its own keyset position: rows another worker
			// holds are skipped, and rows it finished are no longer open.
			var afterID int64
			for {
				b, err := a.sweepBatch(ctx, opts, afterID, p.failedBefore)
				if err != nil && !errors.Is(err, errEveryRunFailed) {
					return fmt.Errorf("sweep: %w", err)
				}
				p.add(b, err, opts.DryRun)
				a.report(b, opts.DryRun, err == nil)
				if b.claimed < a.batchSize {
					return nil
				}
				afterID = b.lastID
			}
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

// pass is what the workers of one pass share.
type pass struct {
	mu  sync.Mutex
	res SweepResult
	// failed holds the runs that failed on their own in this pass: another
	// worker may claim one again once its batch ended, and it is neither
	// judged nor counted twice.
	failed map[int64]bool
	// everyRunFailed is the first batch whose runs all failed.
	everyRunFailed error
}

func (p *pass) failedBefore(run domain.Run) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failed[run.ID]
}

// add counts batch b, whose error (errEveryRunFailed or nil) is err.
func (p *pass) add(b batch, err error, dryRun bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range b.failed {
		p.failed[f.id] = true
	}
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
	// claimed and lastID are the batch's size and last id, for the keyset.
	claimed int
	lastID  int64
	// runs are the claimed runs judged: all but those that already failed
	// in this pass.
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

// sweepBatch claims, decides and finalizes one batch of stale runs after
// afterID in one transaction, leaving out the runs skip reports. A dry run
// reads without locks in a read-only transaction: PostgreSQL itself refuses
// any write it might attempt. With errEveryRunFailed it returns the batch
// all the same, written nothing.
func (a *App) sweepBatch(ctx context.Context, opts SweepOptions, afterID int64, skip func(domain.Run) bool) (batch, error) {
	start := time.Now()
	now := a.now()
	read := repo.RunClaimStale
	if opts.DryRun {
		read = repo.RunReadStale
	}
	var b batch
	ctx, cancel := context.WithTimeout(ctx, a.batchLimit)
	defer cancel()
	err := repo.InTx(ctx, a.pool, opts.DryRun, func(tx repo.DBTX) error {
		if err := repo.LimitStatements(ctx, tx, a.batchLimit); err != nil {
			return err
		}
		claimed, err := read(ctx, tx, repo.RunClaimStaleParams{
			Thresholds:  a.thresholds,
			Now:         now,
			AfterID:     afterID,
			WorkspaceID: opts.WorkspaceID,
			Limit:       a.batchSize,
		})
		if err != nil || len(claimed) == 0 {
			return err
		}
		b.claimed, b.lastID = len(claimed), claimed[len(claimed)-1].ID
		runs := slices.DeleteFunc(claimed, skip)
		if len(runs) == 0 {
			return nil
		}
		b.runs = runs
		if a.afterClaim != nil {
			a.afterClaim(ctx, tx)
		}
		err = repo.InSavepoint(ctx, tx, func() (err error) {
			b.settled, err = a.settle(ctx, tx, runs, now, opts.DryRun)
			return err
		})
		if err == nil || ctx.Err() != nil || errors.Is(err, repo.ErrTxLost) {
			return err
		}
		// One run failed the whole batch: settle each run alone, so that
		// every other run is finalized in this pass all the same.
		b.settled = nil
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
	b.took = time.Since(start)
	switch {
	case errors.Is(err, errEveryRunFailed):
		return b, err
	case err != nil:
		return batch{}, err
	}
	return b, nil
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
