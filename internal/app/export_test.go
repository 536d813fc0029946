package app

import (
	"context"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// SetBeforeWrite installs a hook that runs between a manual decision and its
// write, so tests can inject a late proof write or a racing completion.
func SetBeforeWrite(a *App, f func(ctx context.Context, run domain.Run, d domain.Decision)) {
	a.beforeWrite = f
}

// SetAfterClaim installs a hook that runs inside each sweep batch
// transaction, after its runs were claimed and before they are decided.
func SetAfterClaim(a *App, f func(ctx context.Context, tx repo.DBTX)) { a.afterClaim = f }

// Settle is what a sweep batch does with the runs it claimed in tx.
func Settle(ctx context.Context, a *App, tx repo.DBTX, runs []domain.Run, now time.Time) ([]DecisionKey, error) {
	return a.settle(ctx, tx, runs, now, false)
}

// ErrNotFinalized is the write path's refusal of a decision that does not
// complete its run.
var ErrNotFinalized = errNotFinalized

// Finalize writes decided runs through the write path, as the sweep does.
func Finalize(ctx context.Context, db repo.DBTX, now time.Time, runs []domain.Run, ds []domain.Decision, source domain.Source) ([]repo.FinalizeResult, error) {
	fs := make([]finalization, len(runs))
	for i := range runs {
		fs[i] = finalization{run: runs[i], decision: ds[i], source: source}
	}
	return write(ctx, db, now, fs)
}
