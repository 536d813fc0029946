// Package sweep finalizes stale runs in the background, so runs whose jobs
// died reach an honest terminal state, safely on any number of replicas.
package sweep

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/metrics"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// Config tunes a Sweeper. Zero values take the defaults.
type Config struct {
	// Interval is the time between passes in Start (default 1m).
	Interval time.Duration
	// BatchSize is how many runs one transaction claims (default 1000).
	BatchSize int
	// Workers is how many batches one pass works on at once, each on its own
	// connection (default 2: one decides in Go while another writes in
	// PostgreSQL). SKIP LOCKED keeps them apart, as it keeps replicas apart.
	Workers int
	// Staleness decides which open runs are stale (default: the contract's).
	Staleness domain.Staleness
	// Now is the clock (default time.Now).
	Now func() time.Time
	// After is the timer Start waits on (default time.After); tests inject
	// their own to drive the loop without sleeping.
	After func(time.Duration) <-chan time.Time
	// BatchTimeout bounds one batch, its transaction and every statement in
	// it (default 1m): longer than the pool's statement limit, which a batch
	// of thousands of runs may need, but a frozen database still fails the
	// pass in time.
	BatchTimeout time.Duration
	// Log receives one line per batch and per state change (default: discard).
	Log *slog.Logger
	// Metrics, when set, counts decisions and the stale runs waiting.
	Metrics *metrics.Metrics
}

// Sweeper claims stale runs in keyset batches with FOR UPDATE SKIP LOCKED,
// decides them with the same adapters as the API and writes through the
// single guarded write path, one transaction per batch.
type Sweeper struct {
	pool *pgxpool.Pool
	cfg  Config
	// thresholds is cfg.Staleness in the shape the claim query takes.
	thresholds repo.StaleThresholds

	cancel context.CancelFunc
	done   chan struct{}

	// afterClaim, when set (tests only), runs inside each batch transaction
	// between claiming the runs and writing them.
	afterClaim func(ctx context.Context, tx repo.DBTX)
}

// MaxBatchSize bounds Config.BatchSize: one transaction holds a batch's locks.
const MaxBatchSize = 10000

// New returns a Sweeper over pool; it fails on a negative interval or a batch
// size outside 1–MaxBatchSize.
func New(pool *pgxpool.Pool, cfg Config) (*Sweeper, error) {
	cfg.Interval = cmp.Or(cfg.Interval, time.Minute)
	cfg.BatchSize = cmp.Or(cfg.BatchSize, 1000)
	cfg.Workers = cmp.Or(cfg.Workers, 2)
	cfg.BatchTimeout = cmp.Or(cfg.BatchTimeout, time.Minute)
	if cfg.Staleness.RunningDefault == 0 {
		cfg.Staleness = domain.DefaultStaleness()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Interval < 0 {
		return nil, errors.New("sweep: negative interval")
	}
	if cfg.Workers < 1 || cfg.Workers > 16 {
		return nil, fmt.Errorf("sweep: %d workers outside 1–16", cfg.Workers)
	}
	if cfg.BatchSize < 1 || cfg.BatchSize > MaxBatchSize {
		return nil, fmt.Errorf("sweep: batch size %d outside 1–%d", cfg.BatchSize, MaxBatchSize)
	}
	return &Sweeper{pool: pool, cfg: cfg, thresholds: repo.ThresholdsOf(cfg.Staleness)}, nil
}

// Options narrow one pass.
type Options struct {
	// WorkspaceID limits the pass to one workspace.
	WorkspaceID *int64
	// DryRun decides every stale run and reports it, writing nothing.
	DryRun bool
}

// Key groups a pass's runs: canonical family, the decision taken (the
// adapter's, or unsupported_family) and the outcome written.
type Key struct {
	Family   domain.Family
	Decision domain.DecisionKind
	Outcome  domain.Outcome
}

// Result is what one pass did.
type Result struct {
	Batches int
	// Claimed counts stale runs this pass judged (and locked, unless a dry run).
	Claimed int
	// Finalized counts runs this pass completed (0 on a dry run).
	Finalized int
	// Skipped counts claimed runs whose guarded write did not apply.
	Skipped int
	Counts  map[Key]int
}

// RunOnce sweeps every stale run it can claim, batch after batch, until none
// is left. A batch either commits whole or not at all, so an error (or a
// cancelled ctx) leaves no half-written run; the next pass picks up the rest.
// It returns the work of the batches that committed and the first error.
func (s *Sweeper) RunOnce(ctx context.Context, opts Options) (Result, error) {
	res := Result{Counts: map[Key]int{}}
	var mu sync.Mutex
	var g errgroup.Group
	workers := s.cfg.Workers
	if opts.DryRun {
		workers = 1 // a dry run changes nothing, so a second worker would judge the same runs again
	}
	for range workers {
		g.Go(func() error {
			var afterID int64
			for {
				n, lastID, err := s.batch(ctx, opts, afterID, &res, &mu)
				if err != nil || n < s.cfg.BatchSize {
					return err
				}
				afterID = lastID
			}
		})
	}
	if err := g.Wait(); err != nil {
		return res, err
	}
	if s.cfg.Metrics != nil && !opts.DryRun {
		ctx, cancel := context.WithTimeout(ctx, s.cfg.BatchTimeout)
		defer cancel()
		waiting, err := repo.RunCountStale(ctx, s.pool, s.thresholds, s.cfg.Now())
		if err != nil { // the pass itself succeeded; only the gauge stays behind
			s.cfg.Log.Warn("sweep: stale runs not counted", "error", err)
		} else {
			s.cfg.Metrics.SetStaleWaiting(waiting)
		}
	}
	return res, nil
}

// batch claims, decides and finalizes one batch in one transaction. It
// returns how many runs it claimed and the last claimed id.
// Each worker keeps its own keyset position: rows another worker holds are
// skipped, and rows it finished are no longer open.
func (s *Sweeper) batch(ctx context.Context, opts Options, afterID int64, res *Result, mu *sync.Mutex) (int, int64, error) {
	start := time.Now()
	// A dry run reads without locks in a read-only transaction: PostgreSQL
	// itself refuses any write it might attempt.
	readStale, access := repo.RunClaimStale, pgx.ReadWrite
	if opts.DryRun {
		readStale, access = repo.RunReadStale, pgx.ReadOnly
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.BatchTimeout)
	defer cancel()
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: access})
	if err != nil {
		return 0, 0, fmt.Errorf("sweep: begin: %w", err)
	}
	defer func() {
		// Bounded too: a frozen database must not hold up the sweeper or a
		// shutdown; a transaction left open rolls back as its connection closes.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	}()
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", max(s.cfg.BatchTimeout.Milliseconds(), 1))); err != nil {
		return 0, 0, fmt.Errorf("sweep: %w", err)
	}

	now := s.cfg.Now()
	runs, err := readStale(ctx, tx, repo.RunClaimStaleParams{
		Thresholds:  s.thresholds,
		Now:         now,
		AfterID:     afterID,
		WorkspaceID: opts.WorkspaceID,
		Limit:       s.cfg.BatchSize,
	})
	if err != nil {
		return 0, 0, fmt.Errorf("sweep: %w", err)
	}
	if len(runs) == 0 {
		return 0, afterID, tx.Commit(ctx)
	}
	decisions, err := reconcile.DecideBatch(ctx, tx, runs)
	if err != nil {
		return 0, 0, fmt.Errorf("sweep: decide: %w", err)
	}
	if s.afterClaim != nil {
		s.afterClaim(ctx, tx)
	}

	finals := make([]reconcile.Finalization, len(runs))
	keys := make([]Key, len(runs))
	for i, run := range runs {
		d := decisions[i]
		keys[i] = Key{Family: run.Family(), Decision: d.Kind}
		final := reconcile.StalePath(d, run)
		keys[i].Outcome = *final.Outcome
		finals[i] = reconcile.Finalization{Run: run, Decision: final, Source: domain.SourceSweep}
	}

	counted := keys // a dry run counts every decision, a real one what it wrote
	if !opts.DryRun {
		results, err := reconcile.FinalizeBatch(ctx, tx, now, finals)
		if err != nil {
			return 0, 0, fmt.Errorf("sweep: finalize: %w", err)
		}
		counted = nil
		for i, r := range results {
			if r.Status == repo.FinalizeWritten {
				counted = append(counted, keys[i])
			}
		}
	}
	written := 0
	if !opts.DryRun {
		written = len(counted)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, 0, fmt.Errorf("sweep: commit: %w", err)
	}

	mu.Lock()
	defer mu.Unlock()
	res.Batches++
	res.Claimed += len(runs)
	res.Finalized += written
	if !opts.DryRun {
		res.Skipped += len(runs) - written
	}
	for _, k := range counted {
		res.Counts[k]++
		if s.cfg.Metrics != nil && !opts.DryRun {
			s.cfg.Metrics.CountDecision(string(k.Family), string(k.Decision), string(k.Outcome))
		}
	}
	s.cfg.Log.Info("sweep batch", "claimed", len(runs), "finalized", written, "dry_run", opts.DryRun,
		"first_id", runs[0].ID, "last_id", runs[len(runs)-1].ID, "took", time.Since(start))
	return len(runs), runs[len(runs)-1].ID, nil
}

// Start runs a pass now and then every Interval until Stop or ctx ends. A
// failing pass (say, the database went away) is logged once, retried with
// backoff up to Interval, and its recovery logged once.
func (s *Sweeper) Start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go s.loop(ctx)
}

// Stop ends the loop and waits for the pass in flight; its open batch rolls back.
func (s *Sweeper) Stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
}

func (s *Sweeper) loop(ctx context.Context) {
	defer close(s.done)
	const firstBackoff = time.Second
	backoff := firstBackoff
	failing := false
	for {
		wait := s.cfg.Interval
		res, err := s.RunOnce(ctx, Options{})
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if !failing {
				s.cfg.Log.Error("sweep failed; retrying with backoff", "err", err)
				failing = true
			}
			wait = min(backoff, s.cfg.Interval)
			backoff *= 2
		default:
			if failing {
				s.cfg.Log.Info("sweep recovered")
				failing = false
			}
			backoff = firstBackoff
			if res.Claimed > 0 {
				s.cfg.Log.Info("sweep pass", "claimed", res.Claimed, "finalized", res.Finalized, "batches", res.Batches)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.cfg.After(wait):
		}
	}
}
