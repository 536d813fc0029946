package reconcile

import (
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/wording"
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
	w := wording.Baseline{MetaFallbacks: c.MetaFallbackCount, Missing: missing(c.SnapshotID, len(res.inScope)),
		Failures: failuresOf(bp.Failures)}
	var links []domain.Link
	if s := res.found; s != nil {
		gaps = max(gaps, s.GapCount)
		prf["snapshot_id"], prf["item_count"] = s.ID, s.ItemCount
		links = []domain.Link{{Rel: domain.RelBaselineSnapshot, ID: s.ID}}
		w.Snapshot, w.Items = s.ID, s.ItemCount
	}
	prf["gaps"] = gaps
	w.Gaps = gaps

	d, closed := failClosed(res, snapshotNoun, func(s *proof.Snapshot) int64 { return s.ID }, prf)
	switch {
	case closed:
	case res.found != nil:
		s := res.found
		summary := map[string]int64{"snapshots": 1, "item_count": s.ItemCount, "gaps": gaps, "meta_fallback_count": c.MetaFallbackCount}
		switch {
		case gaps == 0 && c.MetaFallbackCount == 0:
			d = finalized(domain.OutcomeSucceeded, ReasonBaselineCaptured, wording.BaselineComplete(w), prf, links, summary)
		case gaps > 0:
			d = finalized(domain.OutcomePartiallySucceeded, ReasonBaselineGaps, wording.BaselinePartial(w), prf, links, summary)
		default:
			d = finalized(domain.OutcomePartiallySucceeded, ReasonBaselineMetaFallback, wording.BaselinePartial(w), prf, links, summary)
		}
	case c.EligibilityBlocked:
		d = finalized(domain.OutcomeBlocked, ReasonBaselineBlocked, wording.BaselineBlocked(w, c.EligibilityCode),
			prf, nil, noSnapshotCounts(bp.Failures))
	case bp.Failures.Count > 0:
		d = finalized(domain.OutcomeFailed, ReasonBaselineFailed, wording.BaselineFailed(w), prf, nil, noSnapshotCounts(bp.Failures))
	default:
		d = notReconciled(ReasonMissing, wording.BaselineUnproven(w), prf, nil)
	}
	d.Adapter = a.Version()
	return d
}

var snapshotNoun = artifactNoun{kind: wording.ArtifactSnapshot, rel: domain.RelBaselineSnapshot}

// noSnapshotCounts are the summary counts of a capture that left no snapshot.
func noSnapshotCounts(f proof.Failures) map[string]int64 {
	return map[string]int64{"snapshots": 0, "failures": int64(f.Count)}
}
