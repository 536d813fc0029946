package reconcile

import (
	"maps"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/wording"
)

// Decisions made by the caller before or instead of an adapter.

// alreadyTerminal reports a run that is completed: nothing to decide.
func alreadyTerminal(run domain.Run) domain.Decision {
	o := run.Outcome
	return domain.Decision{Kind: domain.DecisionAlreadyTerminal, Outcome: &o, ReasonCode: ReasonAlreadyTerminal,
		Explanation: wording.AlreadyTerminal(run), Proof: map[string]any{}, Links: []domain.Link{}}
}

// unsupported reports a run of a family without an adapter.
func unsupported(run domain.Run) domain.Decision {
	return domain.Decision{Kind: domain.DecisionUnsupportedFamily, ReasonCode: ReasonUnsupported,
		Explanation: wording.Unsupported(run), Proof: map[string]any{}, Links: []domain.Link{}}
}

// notStale reports an open run that has not gone stale at now.
func notStale(run domain.Run, s domain.Staleness, now time.Time) domain.Decision {
	age, after := s.Age(run, now)
	return domain.Decision{Kind: domain.DecisionNotStale, ReasonCode: ReasonNotStale,
		Explanation: wording.NotStale(run, s, now),
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
	explanation := wording.StaleClosed(run)
	prf := map[string]any{}
	links := []domain.Link{}
	if d.Kind == domain.DecisionNotReconciled {
		reason = d.ReasonCode
		explanation = wording.StaleClosedBecause(d.Explanation)
		maps.Copy(prf, d.Proof)
		links = append(links, d.Links...)
	}
	o := domain.OutcomeFailed
	return domain.Decision{Kind: domain.DecisionFinalized, Outcome: &o, ReasonCode: reason, Explanation: explanation,
		Proof: prf, Links: links, Adapter: adapterGeneric, Summary: map[string]int64{}}
}
