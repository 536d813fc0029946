// Package app is runproof's use-case layer: each operation the API and the
// sweeper offer, end to end, from the member's access to the guarded write
// and the metrics. Handlers and the sweep loop call one method each; the
// rules themselves live in reconcile, the SQL in repo.
package app

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/runproof/runproof/internal/config"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/metrics"
	"github.com/runproof/runproof/internal/repo"
)

// Config tunes an App. Zero values take the defaults.
type Config struct {
	// Staleness decides which open runs are stale (default:
	// domain.DefaultStaleness).
	Staleness domain.Staleness
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Metrics, when set, counts decisions, sweep run failures and the stale
	// runs waiting after each pass.
	Metrics *metrics.Metrics
	// Log receives the sweep's lines (default: discard).
	Log *slog.Logger
	// SweepBatchSize is how many runs one sweep transaction claims, 1 to
	// config.MaxSweepBatchSize (default 1000).
	SweepBatchSize int
	// SweepWorkers is how many batches one pass works on at once, each on
	// its own connection, 1 to 16 (default 2: one decides in Go while
	// another writes in PostgreSQL). They take the pass's batches in turn;
	// SKIP LOCKED keeps replicas apart.
	SweepWorkers int
	// SweepBatchTimeout bounds one sweep batch, its transaction and every
	// statement in it (default 1m): longer than the pool's statement limit,
	// which a batch of thousands of runs may need, yet a frozen database
	// still fails the pass in time.
	SweepBatchTimeout time.Duration
}

// App holds the use cases. It is safe for concurrent use; build one per
// process with New.
type App struct {
	pool      repo.Pool
	staleness domain.Staleness
	// thresholds is staleness in the shape the SQL takes, converted once.
	thresholds repo.StaleThresholds
	now        func() time.Time
	metrics    *metrics.Metrics
	log        *slog.Logger
	batchSize  int
	workers    int
	batchLimit time.Duration

	// Test hooks (export_test.go). beforeWrite runs between a manual
	// decision and its write; afterClaim inside each sweep batch, after
	// its runs were claimed.
	beforeWrite func(ctx context.Context, run domain.Run, d domain.Decision)
	afterClaim  func(ctx context.Context, tx repo.DBTX)
	// afterPreviewRead runs inside a preview's transaction, once its runs
	// are read and before they are decided.
	afterPreviewRead func(ctx context.Context, runs []domain.Run)
}

// New returns an App on pool; it fails on a sweep batch size or worker
// count out of range.
func New(pool repo.Pool, cfg Config) (*App, error) {
	cfg.SweepBatchSize = cmp.Or(cfg.SweepBatchSize, 1000)
	cfg.SweepWorkers = cmp.Or(cfg.SweepWorkers, 2)
	cfg.SweepBatchTimeout = cmp.Or(cfg.SweepBatchTimeout, time.Minute)
	if cfg.SweepBatchSize < 1 || cfg.SweepBatchSize > config.MaxSweepBatchSize {
		return nil, fmt.Errorf("app: sweep batch size %d outside 1–%d", cfg.SweepBatchSize, config.MaxSweepBatchSize)
	}
	if cfg.SweepWorkers < 1 || cfg.SweepWorkers > 16 {
		return nil, fmt.Errorf("app: %d sweep workers outside 1–16", cfg.SweepWorkers)
	}
	if cfg.Staleness.RunningDefault == 0 {
		cfg.Staleness = domain.DefaultStaleness()
	}
	a := &App{
		pool:       pool,
		staleness:  cfg.Staleness,
		thresholds: repo.ThresholdsOf(cfg.Staleness),
		now:        cfg.Now,
		metrics:    cfg.Metrics,
		log:        cfg.Log,
		batchSize:  cfg.SweepBatchSize,
		workers:    cfg.SweepWorkers,
		batchLimit: cfg.SweepBatchTimeout,
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a, nil
}

// Staleness is the rule a judges staleness by; every response shows the
// same.
func (a *App) Staleness() domain.Staleness { return a.staleness }

// Unavailable reports whether err means the database could not serve (down,
// refusing, too slow, or the pool closed): worth retrying later, neither the
// caller's fault nor a bug.
func Unavailable(err error) bool { return repo.IsUnavailable(err) }
