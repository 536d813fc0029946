package reconcile

import "github.com/runproof/runproof/internal/repo"

// Thresholds returns the staleness rule in the shape the repo's SQL needs,
// with every alias carrying its canonical family's threshold.
func (s Staleness) Thresholds() repo.StaleThresholds {
	types, after := s.RunningByType()
	return repo.StaleThresholds{
		Queued:         s.Queued,
		RunningTypes:   types,
		RunningAfter:   after,
		RunningDefault: s.RunningDefault,
	}
}
