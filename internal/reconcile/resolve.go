package reconcile

import (
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/wording"
)

// resolution is what the artifact rules (docs/contract.md, section 4.1)
// found for a run that produces one artifact (a baseline snapshot, a backup
// set), with the figures for the proof. Out of scope (fail closed) and
// ambiguous come first; else found is the one artifact the decision may use,
// or nil when none is valid (none recorded, or the pointer names none that
// is valid: missing, malformed, another profile or schedule, another run).
type resolution[T any] struct {
	found *T
	// outOfScope counts distinct artifacts tied to the run outside its scope.
	outOfScope int64
	// ambiguous: no pointer and two or more in-scope candidates.
	ambiguous bool
	// inScope are the in-scope candidates (operation_run_id = run).
	inScope []*T
}

// artifactInfo reads what resolve needs from an artifact: its id, whether
// it lies in the run's scope, and whether it is valid for the run (same
// profile or schedule when one is named, run NULL or this run).
type artifactInfo[T any] func(a *T) (id int64, inScope, valid bool)

// resolve applies the artifact rules in their fail-closed order: anything
// out of scope first, then the pointer when there is one, else the single
// in-scope candidate (two or more are ambiguous).
func resolve[T any](ptr proof.Pointer, pointed *T, candidates []T, info artifactInfo[T]) resolution[T] {
	var res resolution[T]
	var pointedID int64
	if pointed != nil {
		id, in, _ := info(pointed)
		pointedID = id
		if !in {
			res.outOfScope++
		}
	}
	for i := range candidates {
		id, in, _ := info(&candidates[i])
		switch {
		case in:
			res.inScope = append(res.inScope, &candidates[i])
		case id != pointedID:
			res.outOfScope++
		}
	}
	switch {
	case res.outOfScope > 0: // fails closed: nothing is found
	case ptr.Given:
		if pointed != nil && !ptr.Malformed {
			if _, _, valid := info(pointed); valid {
				res.found = pointed
			}
		}
	case len(res.inScope) > 1:
		res.ambiguous = true
	case len(res.inScope) == 1:
		if _, _, valid := info(res.inScope[0]); valid {
			res.found = res.inScope[0]
		}
	}
	return res
}

// pointerMatches reports whether an artifact's parent (profile, schedule)
// fits what the run names: anything when it names none, the same id when it
// names one, nothing when the name is malformed.
func pointerMatches(p proof.Pointer, parentID int64) bool {
	return !p.Given || p.Names(parentID)
}

// ownedBy reports whether an artifact's operation_run_id (0 for NULL)
// allows run to use it.
func ownedBy(artifactRunID, runID int64) bool {
	return artifactRunID == 0 || artifactRunID == runID
}

// artifactNoun names an artifact kind in explanations and links.
type artifactNoun struct {
	kind wording.Artifact
	rel  string // link relation
}

// failClosed is the decision for a resolution that must not be used: proof
// tied to the run out of its scope, or several candidates and no pointer.
// ok is false when the resolution may be used.
func failClosed[T any](res resolution[T], noun artifactNoun, id func(*T) int64, prf map[string]any) (d domain.Decision, ok bool) {
	switch {
	case res.outOfScope > 0:
		return notReconciled(ReasonScopeMismatch, wording.ScopeMismatch(noun.kind, res.outOfScope), prf, nil), true
	case res.ambiguous:
		links := make([]domain.Link, 0, len(res.inScope))
		for _, a := range res.inScope {
			links = append(links, domain.Link{Rel: noun.rel, ID: id(a)})
		}
		return notReconciled(ReasonAmbiguous, wording.Ambiguous(noun.kind, len(res.inScope)), prf, links), true
	}
	return domain.Decision{}, false
}

// missing says why a run has no artifact: what its pointer names and how
// many in-scope candidates were recorded for it.
func missing(ptr proof.Pointer, candidates int) wording.Missing {
	return wording.Missing{Pointer: ptr.Given, Malformed: ptr.Malformed, ID: ptr.ID, Candidates: candidates}
}

// failuresOf are a run's reported failures for an explanation.
func failuresOf(f proof.Failures) wording.Failures {
	return wording.Failures{Count: int64(f.Count), FirstCode: f.FirstCode}
}
