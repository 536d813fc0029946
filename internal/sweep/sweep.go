// Package sweep runs the stale sweep in the background, so runs whose jobs
// died reach an honest terminal state, safely on any number of replicas. It
// is only the loop: each pass is app.App.Sweep.
package sweep

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/runproof/runproof/internal/app"
)

// Passer runs one sweep pass; *app.App is one.
type Passer interface {
	Sweep(ctx context.Context, opts app.SweepOptions) (app.SweepResult, error)
}

// Config tunes a Sweeper. Zero values take the defaults.
type Config struct {
	// Interval is the time between passes (default 1m).
	Interval time.Duration
	// After is the timer the loop waits on (default time.After); tests
	// inject their own to drive the loop without sleeping.
	After func(time.Duration) <-chan time.Time
	// Log receives a line per pass that did work and per state change
	// (default: discard).
	Log *slog.Logger
}

// Sweeper runs a pass now and then every Interval.
type Sweeper struct {
	pass Passer
	cfg  Config

	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a Sweeper running pass; it fails on a negative interval.
func New(pass Passer, cfg Config) (*Sweeper, error) {
	cfg.Interval = cmp.Or(cfg.Interval, time.Minute)
	if cfg.Interval < 0 {
		return nil, errors.New("sweep: negative interval")
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Sweeper{pass: pass, cfg: cfg}, nil
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
		res, err := s.pass.Sweep(ctx, app.SweepOptions{})
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
				s.cfg.Log.Info("sweep pass", "claimed", res.Claimed, "finalized", res.Finalized, "failed", res.Failed,
					"batches", res.Batches)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.cfg.After(wait):
		}
	}
}
