package http

import (
	"fmt"
	"strconv"
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

// appendSummary appends the one-line summary: family · state · the last
// sign of life of an open run, or the counts of a completed one, e.g.
// "Inventory sync · running · last heartbeat 2 h ago" or "Inventory sync ·
// partially succeeded · 2 failed, 10 succeeded".
func appendSummary(b []byte, run domain.Run, now time.Time) []byte {
	b = append(append(b, reconcile.FamilyName(run.Family())...), " · "...)
	if run.Status != domain.StatusCompleted {
		b = append(append(b, run.Status...), " · "...)
		return appendLastSign(b, run, now)
	}
	b = append(append(b, lowerLabels[run.Outcome]...), " · "...)
	if c := appendCounts(b, run.SummaryCounts); len(c) > len(b) {
		return c
	}
	return appendLastSign(b, run, now)
}

// appendLastSign appends when the run was last heard of.
func appendLastSign(b []byte, run domain.Run, now time.Time) []byte {
	switch {
	case run.CompletedAt != nil:
		return appendAgo(append(b, "finished "...), now.Sub(*run.CompletedAt))
	case run.LastHeartbeatAt != nil:
		return appendAgo(append(b, "last heartbeat "...), now.Sub(*run.LastHeartbeatAt))
	case run.StartedAt != nil:
		return append(appendAgo(append(b, "started "...), now.Sub(*run.StartedAt)), ", no heartbeat yet"...)
	default:
		return appendAgo(append(b, "queued "...), now.Sub(run.CreatedAt))
	}
}

// staleExplanation is the sentence for a stale run nobody reconciled yet.
func staleExplanation(run domain.Run, s domain.Staleness, now time.Time) string {
	age, limit := s.Age(run, now)
	if run.Status == domain.StatusQueued {
		return fmt.Sprintf("Queued for %s without starting (allowed: %s). The run looks stale and can be reconciled.",
			span(age), span(limit))
	}
	return fmt.Sprintf("No heartbeat for %s (allowed: %s). The run looks stale and can be reconciled.",
		span(age), span(limit))
}

// nextAction is what an operator can do about a run: reconcile a stale open
// run (when the viewer may), or look into why a run was blocked.
func nextAction(run Run, v view) *NextAction {
	var buf [128]byte
	switch {
	case run.Status != string(domain.StatusCompleted) && run.Stale && v.canReconcile:
		return &NextAction{Label: "Reconcile", Href: v.str(append(append(buf[:0], run.Links.Self...), "/reconcile"...))}
	case run.Outcome == string(domain.OutcomeBlocked):
		code := ""
		if run.ReasonCode != nil {
			code = *run.ReasonCode
		}
		return &NextAction{Label: blockedLabel(code), Href: v.str(append(append(buf[:0], run.Links.Self...), "?include=diagnostics"...))}
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

// appendAgo appends an elapsed time, e.g. "2 h ago".
func appendAgo(b []byte, d time.Duration) []byte {
	if d < time.Minute {
		return append(b, "just now"...)
	}
	return append(appendSpan(b, d), " ago"...)
}

// span renders a duration for operators, rounded down: "45 min", "2 h", "3 d".
func span(d time.Duration) string {
	return string(appendSpan(nil, d))
}

func appendSpan(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Minute:
		return append(b, "less than a minute"...)
	case d < time.Hour:
		return append(strconv.AppendInt(b, int64(d/time.Minute), 10), " min"...)
	case d < 48*time.Hour:
		h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
		b = append(strconv.AppendInt(b, h, 10), " h"...)
		if m == 0 || h >= 10 {
			return b
		}
		return append(strconv.AppendInt(append(b, ' '), m, 10), " min"...)
	default:
		return append(strconv.AppendInt(b, int64(d/(24*time.Hour)), 10), " d"...)
	}
}
