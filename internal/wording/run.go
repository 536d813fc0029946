package wording

import (
	"strconv"
	"strings"
	"time"

	"github.com/runproof/runproof/internal/domain"
)

// familyNames are the operator names of the families runproof knows.
var familyNames = map[domain.Family]string{
	domain.FamilyInventorySync:         "Inventory sync",
	domain.FamilyBaselineCapture:       "Baseline capture",
	domain.FamilyBackupScheduleExecute: "Scheduled backup",
	domain.FamilyPolicySync:            "Policy sync",
	domain.FamilyBackupSetUpdate:       "Backup set update",
	domain.FamilyRestoreExecute:        "Restore",
	domain.FamilyReviewPackGenerate:    "Review pack",
}

const unrecognizedType = "Unrecognized run type"

// FamilyName returns what operators call a canonical family, e.g.
// "Inventory sync". A family runproof does not know is named from its type
// string ("custom.job" → "Custom job"); one that does not look like a name
// is an "Unrecognized run type".
func FamilyName(f domain.Family) string {
	if name, ok := familyNames[f]; ok {
		return name
	}
	if w := words(string(f)); len(w) > 0 {
		return upperFirst(strings.Join(w, " "))
	}
	return unrecognizedType
}

// familyRuns names the runs of a family inside a sentence: "inventory sync
// runs", "runs of this type".
func familyRuns(f domain.Family) string {
	name := FamilyName(f)
	if name == unrecognizedType {
		return "runs of this type"
	}
	return lowerFirst(name) + " runs"
}

// Summary is the hub's one line about a run: family · state · figures,
// e.g. "Baseline capture · succeeded · 48 items, no gaps" or "Inventory
// sync · running · last heartbeat 2 hours ago". An open run shows its last
// sign of life; a completed one the figures of its summary counts, as its
// family's decision writes them (the same figures as its explanation), or
// the counters a job wrote in plain words ("2 devices skipped"), or when
// it finished.
func Summary(run domain.Run, now time.Time) string {
	// One builder for the whole line: a hub page writes one per row
	// (BenchmarkHub).
	var b strings.Builder
	b.Grow(96)
	b.WriteString(FamilyName(run.Family()))
	b.WriteString(" · ")
	if run.Status != domain.StatusCompleted {
		b.WriteString(string(run.Status))
		b.WriteString(" · ")
		b.WriteString(lastSign(run, now))
		return b.String()
	}
	writeLower(&b, run.Outcome.Label())
	b.WriteString(" · ")
	switch f := figuresOf(run); {
	case len(f) > 0:
		for i, s := range f {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s)
		}
	case run.CompletedAt != nil:
		b.WriteString("finished ")
		b.WriteString(ago(now.Sub(*run.CompletedAt)))
	default:
		b.WriteString(lastSign(run, now))
	}
	return b.String()
}

// figuresOf reads a completed run's figures from its summary counts: its
// family's when they hold them, else every counter in plain words.
func figuresOf(run domain.Run) []string {
	c := readCounts(run.SummaryCounts)
	switch run.Family() {
	case domain.FamilyInventorySync:
		if inv, ok := inventoryFromCounts(c); ok {
			return inv.figures(inSummary)
		}
	case domain.FamilyBaselineCapture:
		if b, snapshot, ok := baselineFromCounts(c); ok {
			return b.figures(snapshot)
		}
	case domain.FamilyBackupScheduleExecute:
		if b, ok := backupFromCounts(c); ok {
			return b.figures(run.Outcome)
		}
	default: // no figures of its own: every counter in plain words
	}
	return humanized(c)
}

// lastSign says when an open run last showed life: "last heartbeat 2 hours
// ago", "started 5 minutes ago, no heartbeat yet", "queued 3 minutes ago".
func lastSign(run domain.Run, now time.Time) string {
	switch {
	case run.LastHeartbeatAt != nil:
		return "last heartbeat " + ago(now.Sub(*run.LastHeartbeatAt))
	case run.StartedAt != nil:
		return "started " + ago(now.Sub(*run.StartedAt)) + ", no heartbeat yet"
	case run.Status == domain.StatusQueued:
		return "queued " + ago(now.Sub(run.CreatedAt))
	default:
		return "created " + ago(now.Sub(run.CreatedAt)) + ", no heartbeat yet"
	}
}

// staleness compares how long an open run has gone without a sign of life
// with its limit: "no heartbeat for 2 hours, and inventory sync runs go
// stale after 30 minutes". Every sentence about staleness says it this way.
func staleness(run domain.Run, s domain.Staleness, now time.Time) string {
	age, limit := s.Age(run, now)
	if run.Status == domain.StatusQueued {
		return "queued for " + duration(age) + " without starting, and queued runs go stale after " + duration(limit)
	}
	return "no heartbeat for " + duration(age) + ", and " + familyRuns(run.Family()) + " go stale after " + duration(limit)
}

// StaleExplanation is the explanation of a stale run nobody reconciled yet:
// "No heartbeat for 2 hours, and inventory sync runs go stale after 30
// minutes, so the run looks stale and can be reconciled."
func StaleExplanation(run domain.Run, s domain.Staleness, now time.Time) string {
	return upperFirst(staleness(run, s, now)) + ", so the run looks stale and can be reconciled."
}

// NotStale explains why reconciling an open run that is not stale changed
// nothing.
func NotStale(run domain.Run, s domain.Staleness, now time.Time) string {
	return "Run " + strconv.FormatInt(run.ID, 10) + " is not stale yet: " + staleness(run, s, now) + "; nothing was changed."
}

// AlreadyTerminal explains why reconciling a completed run changed nothing.
func AlreadyTerminal(run domain.Run) string {
	s := "Run " + strconv.FormatInt(run.ID, 10) + " already completed"
	if run.CompletedAt != nil {
		s += " at " + clockTime(*run.CompletedAt)
	}
	return s + " (outcome: " + strings.ToLower(run.Outcome.Label()) + "); nothing was changed."
}

// Unsupported explains why a run of a family that is not decided from proof
// was left as it is.
func Unsupported(run domain.Run) string {
	return "Run " + strconv.FormatInt(run.ID, 10) + " (" + lowerFirst(FamilyName(run.Family())) +
		") is not checked against recorded proof, so nothing was changed; once stale, the stale sweep closes it as failed."
}

// StaleClosed explains the generic stale path: a stale run of a family not
// decided from proof, closed as failed.
func StaleClosed(run domain.Run) string {
	return "No proof of completed work was found, so this stale run was closed as failed; " + lastSignAt(run) + "."
}

// StaleClosedBecause explains the generic stale path for a stale run whose
// proof settled nothing: explanation says why, as its decision did.
func StaleClosedBecause(explanation string) string {
	return "No proof of completed work was found, so this stale run was closed as failed; " + lowerFirst(explanation) + "."
}

// lastSignAt says when an open run last showed life, as a clause: "its last
// heartbeat was at 14:05 UTC on 1 Dec 2026".
func lastSignAt(run domain.Run) string {
	switch {
	case run.LastHeartbeatAt != nil:
		return "its last heartbeat was at " + clockTime(*run.LastHeartbeatAt)
	case run.StartedAt != nil:
		return "it started at " + clockTime(*run.StartedAt) + " and sent no heartbeat"
	case run.Status == domain.StatusQueued:
		return "it was queued at " + clockTime(run.CreatedAt) + " and never started"
	default:
		return "it was created at " + clockTime(run.CreatedAt) + " and sent no heartbeat"
	}
}

// ReconcileLabel is the next action of a stale open run the viewer may
// reconcile.
const ReconcileLabel = "Reconcile"

// BlockedLabel is the next action of a blocked run: what to fix, by the
// reason code of its decision ("" when it has none).
func BlockedLabel(reasonCode string) string {
	switch reasonCode {
	case "inventory.blocked":
		return "Restore the provider connection or permissions, then sync again"
	case "baseline.blocked":
		return "Make the environment eligible for a baseline capture, then capture again"
	case "backup.skipped":
		return "Check the backup schedule, then run it again"
	default:
		return "Review why the run was blocked"
	}
}
