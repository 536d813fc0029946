package reconcile

import (
	"maps"
	"slices"

	"github.com/runproof/runproof/internal/repo"
)

// Thresholds returns the staleness rule in the shape the repo's SQL needs:
// the per-family running thresholds as parallel lists, in family order.
func (s Staleness) Thresholds() repo.StaleThresholds {
	t := repo.StaleThresholds{Queued: s.Queued, RunningDefault: s.RunningDefault}
	t.RunningFamilies = slices.Sorted(maps.Keys(s.Running))
	for _, f := range t.RunningFamilies {
		t.RunningAfter = append(t.RunningAfter, s.Running[f])
	}
	return t
}
