package reconcile

import (
	"context"

	"github.com/runproof/runproof/internal/repo"
)

// SetBeforeWrite installs a hook that runs between a manual decision and its
// write, so tests can inject a late proof write or a racing completion.
func SetBeforeWrite(r *Reconciler, f func(ctx context.Context, run repo.Run, d Decision)) {
	r.beforeWrite = f
}

// AdapterFor returns the adapter of a run type, aliases normalized first; ok
// is false for every family without one (unsupported_family).
func AdapterFor(runType string) (Adapter, bool) {
	r, ok := registry[Canonical(runType)]
	return r.adapter, ok
}

// Aliases is the alias map, for the test that holds SQL's run_family to it.
var Aliases = aliases
