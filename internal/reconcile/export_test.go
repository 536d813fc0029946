package reconcile

import (
	"context"

	"github.com/runproof/runproof/internal/domain"
)

// SetBeforeWrite installs a hook that runs between a manual decision and its
// write, so tests can inject a late proof write or a racing completion.
func SetBeforeWrite(r *Reconciler, f func(ctx context.Context, run domain.Run, d domain.Decision)) {
	r.beforeWrite = f
}

// AdapterFor returns the adapter of a run type, aliases normalized first; ok
// is false for every family without one (unsupported_family).
func AdapterFor(runType string) (Adapter, bool) {
	r, ok := registry[domain.Canonical(runType)]
	return r.adapter, ok
}
