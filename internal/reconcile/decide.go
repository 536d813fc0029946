package reconcile

import (
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
)

// ProofKind is the proof run is decided from: its family's kind, or
// proof.KindNone (nothing to load) for a completed run and for a family
// without an adapter.
func ProofKind(run domain.Run) proof.Kind {
	if run.Status == domain.StatusCompleted {
		return proof.KindNone
	}
	return registry[run.Family()].kind
}

// Decide decides run from its proof, loaded for ProofKind(run). It is pure:
// a completed run is already_terminal whatever the proof, a family without
// an adapter is unsupported_family, and every other run gets its adapter's
// decision (finalized or not_reconciled). It does not judge staleness;
// callers that must (a manual reconcile) ask Fresh first.
func Decide(run domain.Run, p proof.Proof) domain.Decision {
	switch adapter := registry[run.Family()].adapter; {
	case run.Status == domain.StatusCompleted:
		return alreadyTerminal(run)
	case adapter == nil:
		return unsupported(run)
	default:
		return adapter.Decide(run, p)
	}
}

// Fresh reports whether run is open and not stale at now by s, with the
// not_stale decision a manual reconcile answers then, before reading any
// proof.
func Fresh(run domain.Run, s domain.Staleness, now time.Time) (domain.Decision, bool) {
	if !run.Status.Open() || s.IsStale(run, now) {
		return domain.Decision{}, false
	}
	return notStale(run, s, now), true
}
