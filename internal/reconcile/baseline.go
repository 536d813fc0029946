package reconcile

import (
	"strconv"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
)

// baselineAdapter decides baseline.capture runs (docs/contract.md, section
// 4.4) from the snapshot they produced, their eligibility, gaps and failures.
type baselineAdapter struct{}

// Family implements Adapter.
func (baselineAdapter) Family() domain.Family { return domain.FamilyBaselineCapture }

// Version implements Adapter.
func (baselineAdapter) Version() string { return adapterBaseline }

// Decide applies the baseline rules in order: a snapshot tied to the run out
// of scope, two candidates without a pointer, then succeeded, partially
// succeeded, blocked, failed, and proof.missing for anything else.
func (a baselineAdapter) Decide(run domain.Run, p proof.Proof) domain.Decision {
	bp := p.Baseline
	if bp == nil {
		bp = &proof.BaselineProof{}
	}
	c := bp.Claims
	res := resolve(c.SnapshotID, bp.Pointed, bp.Candidates, func(s *proof.Snapshot) (int64, bool, bool) {
		return s.ID, s.InScope, s.InScope && pointerMatches(c.ProfileID, s.ProfileID) && ownedBy(s.RunID, run.ID)
	})
	gaps := c.GapCount
	prf := map[string]any{
		"candidates":          int64(len(res.inScope)),
		"out_of_scope":        res.outOfScope,
		"meta_fallback_count": c.MetaFallbackCount,
		"failures":            int64(bp.Failures.Count),
	}
	if c.ProfileID.Valid() {
		prf["baseline_profile_id"] = c.ProfileID.ID
	}
	if c.SnapshotID.Valid() {
		prf["snapshot_pointer"] = c.SnapshotID.ID
	}
	var links []domain.Link
	if s := res.found; s != nil {
		gaps = max(gaps, s.GapCount)
		prf["snapshot_id"], prf["item_count"] = s.ID, s.ItemCount
		links = []domain.Link{{Rel: domain.RelBaselineSnapshot, ID: s.ID}}
	}
	prf["gaps"] = gaps

	d, closed := failClosed(res, snapshotNoun, func(s *proof.Snapshot) int64 { return s.ID }, prf)
	switch {
	case closed:
	case res.found != nil:
		s := res.found
		held := "snapshot " + strconv.FormatInt(s.ID, 10) + " holds " + plural(s.ItemCount, "item", "items") +
			" with " + plural(gaps, "gap", "gaps") + " and " + plural(c.MetaFallbackCount, "metadata fallback", "metadata fallbacks") + "."
		summary := map[string]int64{"snapshots": 1, "item_count": s.ItemCount, "gaps": gaps, "meta_fallback_count": c.MetaFallbackCount}
		switch {
		case gaps == 0 && c.MetaFallbackCount == 0:
			d = finalized(domain.OutcomeSucceeded, ReasonBaselineCaptured, "Baseline captured: "+held, prf, links, summary)
		case gaps > 0:
			d = finalized(domain.OutcomePartiallySucceeded, ReasonBaselineGaps, "Baseline partly captured: "+held, prf, links, summary)
		default:
			d = finalized(domain.OutcomePartiallySucceeded, ReasonBaselineMetaFallback, "Baseline partly captured: "+held, prf, links, summary)
		}
	case c.EligibilityBlocked:
		d = finalized(domain.OutcomeBlocked, ReasonBaselineBlocked, "Baseline capture blocked"+parenCode(c.EligibilityCode)+": "+
			noSnapshot(c.SnapshotID, len(res.inScope))+".", prf, nil, noSnapshotCounts(bp.Failures))
	case bp.Failures.Count > 0:
		d = finalized(domain.OutcomeFailed, ReasonBaselineFailed, "Baseline capture failed: "+noSnapshot(c.SnapshotID, len(res.inScope))+
			" and the run reported "+failures(bp.Failures)+".", prf, nil, noSnapshotCounts(bp.Failures))
	default:
		d = notReconciled(ReasonMissing, "No baseline outcome can be proven: "+noSnapshot(c.SnapshotID, len(res.inScope))+
			", eligibility is not blocked and 0 failures were reported.", prf, nil)
	}
	d.Adapter = a.Version()
	return d
}

var snapshotNoun = artifactNoun{family: "Baseline", one: "snapshot", many: "snapshots", rel: domain.RelBaselineSnapshot}

// noSnapshot says why there is no snapshot to use; candidates counts the
// in-scope snapshots recorded for the run.
func noSnapshot(ptr proof.Pointer, candidates int) string {
	switch {
	case ptr.Malformed:
		return "the run names its snapshot with an unreadable id, so 0 snapshots could be used"
	case ptr.Given:
		return "snapshot " + strconv.FormatInt(ptr.ID, 10) + " named by the run is missing or not valid for it " +
			"(another profile or run), so 0 snapshots could be used"
	case candidates == 1:
		return "the 1 snapshot recorded for this run is of another profile, so 0 snapshots could be used"
	default:
		return "0 snapshots were recorded for this run"
	}
}

// failures formats a run's failures, e.g. "2 failures (graph_throttled)".
func failures(f proof.Failures) string {
	return plural(int64(f.Count), "failure", "failures") + parenCode(f.FirstCode)
}

// noSnapshotCounts are the summary counts of a capture that left no snapshot.
func noSnapshotCounts(f proof.Failures) map[string]int64 {
	return map[string]int64{"snapshots": 0, "failures": int64(f.Count)}
}
