package reconcile

import (
	"strconv"
	"time"

	"github.com/runproof/runproof/internal/domain"
)

// Decisions made by the caller before or instead of an adapter.

// alreadyTerminal reports a run that is completed: nothing to decide.
func alreadyTerminal(run domain.Run) domain.Decision {
	o := domain.Outcome(run.Outcome)
	when := "already completed"
	if run.CompletedAt != nil {
		when += " at " + clockTime(*run.CompletedAt)
	}
	return domain.Decision{Kind: domain.DecisionAlreadyTerminal, Outcome: &o, ReasonCode: ReasonAlreadyTerminal,
		Explanation: "Run " + strconv.FormatInt(run.ID, 10) + " " + when + " with outcome " + o.Label() + "; nothing was changed.",
		Proof:       map[string]any{}, Links: []domain.Link{}}
}

// unsupported reports a run of a family without an adapter.
func unsupported(run domain.Run) domain.Decision {
	typ := "of type " + safeCode(run.Type)
	if safeCode(run.Type) == unrecognizedCode {
		typ = "of an unrecognized type"
	}
	return domain.Decision{Kind: domain.DecisionUnsupportedFamily, ReasonCode: ReasonUnsupported,
		Explanation: "Run " + strconv.FormatInt(run.ID, 10) + " is " + typ +
			", which has no proof adapter, so it is not decided from proof; once stale, the stale sweep closes it as failed.",
		Proof: map[string]any{}, Links: []domain.Link{}}
}

// notStale reports an open run that has not gone stale at now.
func notStale(run domain.Run, s domain.Staleness, now time.Time) domain.Decision {
	age, after := s.Age(run, now)
	var msg string
	if run.Status == domain.StatusQueued {
		msg = "it was queued " + minutes(age) + " ago and queued runs go stale after " + minutes(after)
	} else {
		msg = "it last showed activity " + minutes(age) + " ago and running " + safeCode(string(run.Family())) +
			" runs go stale after " + minutes(after)
	}
	return domain.Decision{Kind: domain.DecisionNotStale, ReasonCode: ReasonNotStale,
		Explanation: "Run " + strconv.FormatInt(run.ID, 10) + " is not stale: " + msg + "; nothing was changed.",
		Proof:       map[string]any{"age_seconds": int64(age / time.Second), "stale_after_seconds": int64(after / time.Second)},
		Links:       []domain.Link{}}
}

// StalePath is the sweep's decision (docs/contract.md, section 5.2) for a
// stale run given what was decided about it: a finalized d is returned
// unchanged; anything else (unsupported_family, not_reconciled) finalizes
// the run as failed with reason run.stale, or the adapter's reason code,
// proof and links when it was not_reconciled, an explanation that no proof
// of completed work was found, and adapter "generic/v1". It never fails.
func StalePath(d domain.Decision, run domain.Run) domain.Decision {
	if d.Kind == domain.DecisionFinalized {
		return d
	}
	reason := ReasonStale
	explanation := "No proof of completed work was found, so stale run " + strconv.FormatInt(run.ID, 10) +
		" was closed as failed; it last showed activity at " + clockTime(run.LastActivity()) + "."
	prf := map[string]any{}
	links := []domain.Link{}
	if d.Kind == domain.DecisionNotReconciled {
		reason = d.ReasonCode
		explanation = "No proof of completed work was found, so the stale run was closed as failed: " +
			lowerFirst(d.Explanation) + "."
		for k, v := range d.Proof {
			prf[k] = v
		}
		links = append(links, d.Links...)
	}
	o := domain.OutcomeFailed
	return domain.Decision{Kind: domain.DecisionFinalized, Outcome: &o, ReasonCode: reason, Explanation: explanation,
		Proof: prf, Links: links, Adapter: adapterGeneric, Summary: map[string]int64{}}
}
