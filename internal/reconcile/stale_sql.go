package reconcile

import (
	"sort"

	"github.com/runproof/runproof/internal/repo"
)

// Thresholds returns the staleness rule in the shape the repo's SQL needs:
// the per-family running thresholds expanded to every stored type string
// (canonical and aliases), so SQL compares raw types.
func (s Staleness) Thresholds() repo.StaleThresholds {
	families := make([]string, 0, len(s.Running))
	for f := range s.Running {
		families = append(families, f)
	}
	sort.Strings(families)
	t := repo.StaleThresholds{Queued: s.Queued, RunningDefault: s.RunningDefault}
	for _, f := range families {
		for _, typ := range TypesOf(f) {
			t.RunningTypes = append(t.RunningTypes, typ)
			t.RunningAfter = append(t.RunningAfter, s.Running[f])
		}
	}
	return t
}
