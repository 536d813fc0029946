package domain

import (
	"fmt"
	"maps"
	"strings"
	"time"
)

// Staleness holds the thresholds after which an open run is stale. The
// hub's and the sweep's SQL judge by the same thresholds (repo.ThresholdsOf).
type Staleness struct {
	// Queued applies to runs still queued, measured from created_at.
	Queued time.Duration
	// Running applies to running runs of a family, measured from their
	// LastActivity.
	Running map[Family]time.Duration
	// RunningDefault applies to running runs of every other family.
	RunningDefault time.Duration
}

// DefaultStaleness returns the default thresholds: queued 15 minutes;
// running 30 minutes for inventory syncs and baseline captures, 60 for
// backups and every other family.
func DefaultStaleness() Staleness {
	return Staleness{
		Queued: 15 * time.Minute,
		Running: map[Family]time.Duration{
			FamilyInventorySync:         30 * time.Minute,
			FamilyBaselineCapture:       30 * time.Minute,
			FamilyBackupScheduleExecute: 60 * time.Minute,
		},
		RunningDefault: 60 * time.Minute,
	}
}

// RunningAfter returns the running threshold of family f.
func (s Staleness) RunningAfter(f Family) time.Duration {
	if d, ok := s.Running[f]; ok {
		return d
	}
	return s.RunningDefault
}

// IsStale reports whether run is open and stale at now.
func (s Staleness) IsStale(run Run, now time.Time) bool {
	if !run.Status.Open() {
		return false
	}
	age, limit := s.Age(run, now)
	return age > limit
}

// Age returns how long an open run has gone without a sign of life at now
// (queued runs since they were created, running ones since their last
// activity) and the limit past which it is stale.
func (s Staleness) Age(run Run, now time.Time) (age, limit time.Duration) {
	if run.Status == StatusQueued {
		return now.Sub(run.CreatedAt), s.Queued
	}
	return now.Sub(run.LastActivity()), s.RunningAfter(run.Family())
}

// ParseRunningThresholds parses STALE_RUNNING_AFTER on top of base: a
// comma-separated list where "45m" sets the threshold of families without
// their own and "inventory.sync=20m" sets one family's (aliases are
// accepted and normalized).
func ParseRunningThresholds(value string, base Staleness) (Staleness, error) {
	out := base
	out.Running = maps.Clone(base.Running)
	if out.Running == nil {
		out.Running = map[Family]time.Duration{}
	}
	for part := range strings.SplitSeq(value, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		family, raw, hasFamily := strings.Cut(part, "=")
		if !hasFamily {
			raw = family
		}
		d, err := time.ParseDuration(strings.TrimSpace(raw))
		if err != nil || d <= 0 {
			return Staleness{}, fmt.Errorf("%q is not a positive Go duration", strings.TrimSpace(raw))
		}
		if !hasFamily {
			out.RunningDefault = d
			continue
		}
		family = strings.TrimSpace(family)
		if family == "" {
			return Staleness{}, fmt.Errorf("%q names no family", part)
		}
		out.Running[Canonical(family)] = d
	}
	return out, nil
}
