package app_test

import (
	"testing"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/reconcile"
)

// baselineRun describes a baseline run: its context fields (the snapshot
// pointer is filled in by pointTo), failures and the snapshots it wrote.
type baselineRun struct {
	noContext   bool
	noProfile   bool
	otherProf   bool // the context names the other profile
	eligibility string
	gaps, meta  int
	failures    any
	// snapshots are inserted with operation_run_id = the run unless orphan.
	snapshots []snap
	// pointTo is the index in snapshots the context points to; -1 none.
	pointTo int
	// rawPointer, when set, is written as baseline_snapshot_id verbatim.
	rawPointer any
}

type snap struct {
	where                func(w prooftest.World) (int64, int64)
	otherProfile, orphan bool
	otherRun             bool
	items, gaps          int
}

func inScope(w prooftest.World) (int64, int64) { return w.WS, w.Env }

func (b baselineRun) setup(s scene) domain.Run {
	r := s.run(nil, b.failures)
	var other domain.Run
	ids := make([]int64, len(b.snapshots))
	for i, sn := range b.snapshots {
		ws, env := sn.where(s.b.w)
		owner := r.ID
		switch {
		case sn.orphan:
			owner = 0
		case sn.otherRun:
			if other.ID == 0 {
				other = s.run(nil, nil)
			}
			owner = other.ID
		}
		profile := s.b.w.ProfileIn(ws)
		if sn.otherProfile {
			profile = s.b.w.OtherProfile
		}
		ids[i] = prooftest.InsertSnapshot(s.t, s.b.pool, prooftest.Snapshot{WS: ws, Env: env, Profile: profile, Run: owner, Items: sn.items, Gaps: sn.gaps})
	}
	if b.noContext {
		return s.reread(r)
	}
	bc := obj{"gaps": obj{"count": b.gaps, "by_reason": obj{}}, "meta_fallback_count": b.meta,
		"eligibility": obj{"status": "eligible"}}
	switch {
	case b.noProfile:
	case b.otherProf:
		bc["baseline_profile_id"] = s.b.w.OtherProfile
	default:
		bc["baseline_profile_id"] = s.b.w.Profile
	}
	if b.eligibility != "" {
		bc["eligibility"] = obj{"status": b.eligibility, "reason_code": "inventory_not_ready"}
	}
	switch {
	case b.rawPointer != nil:
		bc["baseline_snapshot_id"] = b.rawPointer
	case b.pointTo >= 0:
		bc["baseline_snapshot_id"] = ids[b.pointTo]
	}
	return s.setContext(r, obj{"baseline_capture": bc})
}

func TestBaselineDecisions(t *testing.T) {
	t.Parallel()
	fin, nr := domain.DecisionFinalized, domain.DecisionNotReconciled
	good := snap{where: inScope, items: 48}
	failures := []obj{{"code": "snapshot_write_failed", "message": "lost connection {db}"}}
	rel := []string{domain.RelBaselineSnapshot}
	cases := []familyCase{
		// succeeded
		{name: "pointed snapshot without gaps", setup: baselineRun{snapshots: []snap{good}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBaselineCaptured, links: rel,
			says: []string{"Baseline captured: snapshot ", " holds 48 items with 0 gaps and 0 metadata fallbacks."}},
		{name: "the one snapshot of the run, no pointer", setup: baselineRun{snapshots: []snap{good}, pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBaselineCaptured, links: rel},
		{name: "no baseline context, the one snapshot of the run", setup: baselineRun{noContext: true, snapshots: []snap{good}, pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBaselineCaptured, links: rel},
		{name: "pointed snapshot with no run recorded", setup: baselineRun{snapshots: []snap{{where: inScope, orphan: true, items: 3}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBaselineCaptured, links: rel},
		{name: "a pointer settles two candidates", setup: baselineRun{snapshots: []snap{good, {where: inScope, items: 47, gaps: 1}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBaselineCaptured, links: rel},
		{name: "usable snapshot wins over blocked eligibility", setup: baselineRun{eligibility: "blocked", snapshots: []snap{good}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBaselineCaptured, links: rel},
		{name: "no profile named, any profile will do", setup: baselineRun{noProfile: true, snapshots: []snap{{where: inScope, otherProfile: true, items: 2}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBaselineCaptured, links: rel},

		// partially_succeeded
		{name: "gaps on the snapshot", setup: baselineRun{snapshots: []snap{{where: inScope, items: 45, gaps: 3}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonBaselineGaps, links: rel,
			says: []string{"Baseline partly captured: snapshot ", " holds 45 items with 3 gaps and 0 metadata fallbacks."}},
		{name: "gaps are the larger count", setup: baselineRun{gaps: 5, snapshots: []snap{{where: inScope, items: 45, gaps: 2}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonBaselineGaps, links: rel, says: []string{"5 gaps"}},
		{name: "gaps only in the context", setup: baselineRun{gaps: 1, snapshots: []snap{good}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonBaselineGaps, links: rel, says: []string{"1 gap and"}},
		{name: "metadata fallbacks", setup: baselineRun{meta: 2, snapshots: []snap{good}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonBaselineMetaFallback, links: rel, says: []string{"2 metadata fallbacks"}},

		// blocked
		{name: "no snapshot, eligibility blocked", setup: baselineRun{eligibility: "blocked", pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonBaselineBlocked,
			exact: "Baseline capture blocked (inventory_not_ready): 0 snapshots were recorded for this run."},
		{name: "blocked wins over failed", setup: baselineRun{eligibility: "blocked", failures: failures, pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonBaselineBlocked},
		{name: "a snapshot of another run is no snapshot", setup: baselineRun{eligibility: "blocked", snapshots: []snap{{where: inScope, otherRun: true}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonBaselineBlocked, says: []string{"named by the run is missing or belongs to another profile or run, so 0 snapshots could be used"}},

		// failed
		{name: "no snapshot, failures reported", setup: baselineRun{failures: failures, pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeFailed, reason: reconcile.ReasonBaselineFailed,
			exact: "Baseline capture failed: 0 snapshots were recorded for this run; 1 failure reported (snapshot_write_failed)."},
		{name: "a pointer to a missing snapshot is no snapshot", setup: baselineRun{failures: failures, rawPointer: 987654321, pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeFailed, reason: reconcile.ReasonBaselineFailed, says: []string{"snapshot 987654321 named by the run"}},

		// not_reconciled: missing proof
		{name: "nothing recorded", setup: baselineRun{pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonMissing,
			exact: "No baseline outcome can be proven: 0 snapshots were recorded for this run; the capture was not blocked and 0 failures were reported."},
		{name: "no baseline context at all", setup: baselineRun{noContext: true, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonMissing},
		{name: "a pointer to a missing snapshot never falls back to the run's own", setup: baselineRun{snapshots: []snap{good}, rawPointer: 987654321, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonMissing, says: []string{"snapshot 987654321 named by the run"}},
		{name: "a snapshot of another profile is no snapshot", setup: baselineRun{snapshots: []snap{{where: inScope, otherProfile: true}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonMissing},
		{name: "the run's only snapshot is of another profile", setup: baselineRun{otherProf: true, snapshots: []snap{good}, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonMissing, says: []string{"the only snapshot recorded for this run is of another profile, so 0 snapshots could be used"}},
		{name: "a malformed pointer names nothing, no fallback", setup: baselineRun{snapshots: []snap{good}, rawPointer: "91", pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonMissing, says: []string{"unreadable id"}},

		// not_reconciled: fail closed
		{name: "pointer into another workspace", setup: baselineRun{snapshots: []snap{{where: otherWorkspace}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonScopeMismatch,
			exact: "Baseline proof lies outside this run's scope: 1 snapshot tied to this run belongs to another workspace or environment."},
		{name: "pointer into another environment", setup: baselineRun{snapshots: []snap{{where: otherEnvironment, orphan: true}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "pointer into another workspace to another run's snapshot", setup: baselineRun{snapshots: []snap{{where: otherWorkspace, otherRun: true}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "the run's only snapshot lies in another workspace", setup: baselineRun{snapshots: []snap{{where: otherWorkspace}}, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "a valid pointer does not hide an out-of-scope snapshot of the run", setup: baselineRun{snapshots: []snap{good, {where: otherEnvironment}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "two candidates without a pointer", setup: baselineRun{snapshots: []snap{good, {where: inScope, items: 47, gaps: 1}}, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonAmbiguous, links: []string{domain.RelBaselineSnapshot, domain.RelBaselineSnapshot},
			exact: "Baseline proof is ambiguous: 2 snapshots were recorded for this run and it does not say which one is its own."},
	}
	runFamily(t, domain.FamilyBaselineCapture, cases)
}
