package reconcile

import "github.com/runproof/runproof/internal/domain"

// AdapterFor returns the adapter of a run type, aliases normalized first; ok
// is false for every family without one (unsupported_family).
func AdapterFor(runType string) (Adapter, bool) {
	r, ok := registry[domain.Canonical(runType)]
	return r.adapter, ok
}
