package http

import (
	"strings"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/reconcile"
)

// lowerLabels are the outcome labels as they read inside a summary.
var lowerLabels = func() map[domain.Outcome]string {
	m := map[domain.Outcome]string{}
	for _, o := range []domain.Outcome{domain.OutcomeSucceeded, domain.OutcomePartiallySucceeded,
		domain.OutcomeBlocked, domain.OutcomeFailed, domain.OutcomeCancelled} {
		m[o] = strings.ToLower(o.Label())
	}
	return m
}()

// summary is the one-line summary: family · state · the last sign of life of
// an open run, or the counts of a completed one, e.g. "Inventory sync ·
// running · last heartbeat 2 h ago" or "Inventory sync · partially
// succeeded · 2 failed, 10 succeeded".
func summary(run domain.Run, now time.Time) string {
	name := reconcile.FamilyName(run.Family())
	if run.Status != domain.StatusCompleted {
		return name + " · " + string(run.Status) + " · " + lastSign(run, now)
	}
	if c := counts(run.SummaryCounts); c != "" {
		return name + " · " + lowerLabels[run.Outcome] + " · " + c
	}
	return name + " · " + lowerLabels[run.Outcome] + " · " + lastSign(run, now)
}

// lastSign says when the run was last heard of.
func lastSign(run domain.Run, now time.Time) string {
	switch {
	case run.CompletedAt != nil:
		return "finished " + ago(now.Sub(*run.CompletedAt))
	case run.LastHeartbeatAt != nil:
		return "last heartbeat " + ago(now.Sub(*run.LastHeartbeatAt))
	case run.StartedAt != nil:
		return "started " + ago(now.Sub(*run.StartedAt)) + ", no heartbeat yet"
	default:
		return "queued " + ago(now.Sub(run.CreatedAt))
	}
}

// nextAction is what an operator can do about a run: reconcile a stale open
// run (when the viewer may), or look into why a run was blocked.
func nextAction(run Run, canReconcile bool) *NextAction {
	switch {
	case run.Status != string(domain.StatusCompleted) && run.Stale && canReconcile:
		return &NextAction{Label: "Reconcile", Href: run.Links.Self + "/reconcile"}
	case run.Outcome == string(domain.OutcomeBlocked):
		code := ""
		if run.ReasonCode != nil {
			code = *run.ReasonCode
		}
		return &NextAction{Label: blockedLabel(code), Href: run.Links.Self + "?include=diagnostics"}
	default:
		return nil
	}
}

// blockedLabel turns a blocked run's reason code into what to do about it.
func blockedLabel(code string) string {
	switch code {
	case reconcile.ReasonInventoryBlocked:
		return "Restore the provider connection or permissions, then sync again"
	case reconcile.ReasonBaselineBlocked:
		return "Make the environment eligible for a baseline capture, then capture again"
	case reconcile.ReasonBackupSkipped:
		return "Check the backup schedule, then run it again"
	default:
		return "Review why the run was blocked"
	}
}

// ago renders an elapsed time, e.g. "2 h ago".
func ago(d time.Duration) string {
	if d < time.Minute {
		return "just now"
	}
	return reconcile.Span(d) + " ago"
}
