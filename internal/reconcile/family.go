package reconcile

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/runproof/runproof/internal/repo"
)

// Canonical run families that have an adapter.
const (
	FamilyInventorySync         = "inventory.sync"
	FamilyBaselineCapture       = "baseline.capture"
	FamilyBackupScheduleExecute = "backup.schedule.execute"
)

// aliases maps legacy type strings to their canonical family. Aliases never
// form families of their own: every decision is made on the canonical name.
var aliases = map[string]string{
	"inventory_sync":          FamilyInventorySync,
	"intune.inventory.sync":   FamilyInventorySync,
	"baseline_capture":        FamilyBaselineCapture,
	"intune.baseline.capture": FamilyBaselineCapture,
	"backup_schedule_run":     FamilyBackupScheduleExecute,
	"backup.schedule.run":     FamilyBackupScheduleExecute,
}

// Canonical returns the canonical family for a run type; unknown types are
// returned unchanged, so an unsupported family stays visible under its own name.
func Canonical(runType string) string {
	if c, ok := aliases[runType]; ok {
		return c
	}
	return runType
}

// AliasesOf returns the aliases of a canonical family, sorted.
func AliasesOf(canonical string) []string {
	var out []string
	for alias, c := range aliases {
		if c == canonical {
			out = append(out, alias)
		}
	}
	sort.Strings(out)
	return out
}

// Staleness holds the thresholds after which an open run is stale.
type Staleness struct {
	// Queued applies to runs still queued, measured from created_at.
	Queued time.Duration
	// Running applies to running runs of a canonical family, measured from
	// coalesce(last_heartbeat_at, started_at, created_at).
	Running map[string]time.Duration
	// RunningDefault applies to running runs of every other family.
	RunningDefault time.Duration
}

// DefaultStaleness returns the thresholds of the contract.
func DefaultStaleness() Staleness {
	return Staleness{
		Queued: 15 * time.Minute,
		Running: map[string]time.Duration{
			FamilyInventorySync:         30 * time.Minute,
			FamilyBaselineCapture:       30 * time.Minute,
			FamilyBackupScheduleExecute: 60 * time.Minute,
		},
		RunningDefault: 60 * time.Minute,
	}
}

// RunningAfter returns the running threshold for a run type (alias or canonical).
func (s Staleness) RunningAfter(runType string) time.Duration {
	if d, ok := s.Running[Canonical(runType)]; ok {
		return d
	}
	return s.RunningDefault
}

// IsStale reports whether an open run is stale at now; the SQL twin is
// repo's staleCondition, fed by Thresholds.
func (s Staleness) IsStale(run repo.Run, now time.Time) bool {
	if run.Status != StatusQueued && run.Status != StatusRunning {
		return false
	}
	age, limit := s.Age(run, now)
	return age > limit
}

// Age returns how long an open run has gone without a sign of life at now
// (queued runs since they were created, running ones since their last
// activity) and the limit past which it is stale.
func (s Staleness) Age(run repo.Run, now time.Time) (age, limit time.Duration) {
	if run.Status == StatusQueued {
		return now.Sub(run.CreatedAt), s.Queued
	}
	return now.Sub(run.LastActivity()), s.RunningAfter(run.Type)
}

// ParseRunningThresholds parses STALE_RUNNING_AFTER on top of the defaults:
// a comma-separated list of durations, where "45m" sets the threshold for
// families without their own and "inventory.sync=20m" sets one family's
// (aliases are accepted and normalized).
func ParseRunningThresholds(value string, base Staleness) (Staleness, error) {
	out := base
	out.Running = make(map[string]time.Duration, len(base.Running))
	for k, v := range base.Running {
		out.Running[k] = v
	}
	for _, part := range strings.Split(value, ",") {
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
