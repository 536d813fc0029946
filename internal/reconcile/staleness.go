package reconcile

import (
	"fmt"
	"strconv"
	"time"

	"github.com/runproof/runproof/internal/domain"
)

// StaleExplanation is the sentence shown for a stale run nobody reconciled
// yet: how long it went without a sign of life, against its threshold in s.
// It is the one place the API words a run's staleness.
func StaleExplanation(run domain.Run, s domain.Staleness, now time.Time) string {
	age, limit := s.Age(run, now)
	if run.Status == domain.StatusQueued {
		return fmt.Sprintf("Queued for %s without starting (allowed: %s). The run looks stale and can be reconciled.",
			Span(age), Span(limit))
	}
	return fmt.Sprintf("No heartbeat for %s (allowed: %s). The run looks stale and can be reconciled.",
		Span(age), Span(limit))
}

// Span renders a duration for operators, rounded down: "45 min", "2 h",
// "2 h 5 min", "3 d".
func Span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	case d < 48*time.Hour:
		h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
		s := strconv.FormatInt(h, 10) + " h"
		if m == 0 || h >= 10 {
			return s
		}
		return s + " " + strconv.FormatInt(m, 10) + " min"
	default:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + " d"
	}
}
