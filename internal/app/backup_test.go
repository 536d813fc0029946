package app_test

import (
	"testing"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/reconcile"
)

// backupRun describes a backup run: its context, failures and the sets it
// wrote with their items.
type backupRun struct {
	noSchedule    bool
	otherSchedule bool // the context names the other schedule
	skip          string
	failures      any
	sets          []bset
	// pointTo is the index in sets the context points to; -1 none.
	pointTo    int
	rawPointer any
}

type bset struct {
	where            func(w prooftest.World) (int64, int64)
	status           string
	expected         int
	noSchedule       bool // backup_schedule_id NULL
	orphan, otherRun bool
	// items: captured with assignments, captured without, failed, skipped.
	captured, capturedNoAssign, failed, skipped int
}

func (b backupRun) setup(s scene) domain.Run {
	r := s.run(nil, b.failures)
	var other domain.Run
	ids := make([]int64, len(b.sets))
	for i, bs := range b.sets {
		ws, env := bs.where(s.b.w)
		owner := r.ID
		switch {
		case bs.orphan:
			owner = 0
		case bs.otherRun:
			if other.ID == 0 {
				other = s.run(nil, nil)
			}
			owner = other.ID
		}
		schedule := s.b.w.ScheduleIn(ws)
		if bs.noSchedule {
			schedule = 0
		}
		set := prooftest.InsertSet(s.t, s.b.pool, prooftest.Set{WS: ws, Env: env, Schedule: schedule, Run: owner, Status: bs.status, Expected: bs.expected})
		prooftest.BackupItems(s.t, s.b.pool, set, "captured", "captured", bs.captured)
		prooftest.BackupItems(s.t, s.b.pool, set, "captured", "missing", bs.capturedNoAssign)
		prooftest.BackupItems(s.t, s.b.pool, set, "failed", "not_applicable", bs.failed)
		prooftest.BackupItems(s.t, s.b.pool, set, "skipped", "not_applicable", bs.skipped)
		ids[i] = set
	}
	c := obj{}
	switch {
	case b.noSchedule:
	case b.otherSchedule:
		c["backup_schedule_id"] = s.b.w.OtherSchedule
	default:
		c["backup_schedule_id"] = s.b.w.Schedule
	}
	if b.skip != "" {
		c["backup_schedule"] = obj{"skip_reason": obj{"reason_code": b.skip, "message": "The schedule \"Paused\" is disabled."}}
	}
	switch {
	case b.rawPointer != nil:
		c["backup_set_id"] = b.rawPointer
	case b.pointTo >= 0:
		c["backup_set_id"] = ids[b.pointTo]
	}
	return s.setContext(r, c)
}

func TestBackupDecisions(t *testing.T) {
	t.Parallel()
	fin, nr := domain.DecisionFinalized, domain.DecisionNotReconciled
	full := bset{where: inScope, expected: 5, captured: 5}
	failures := []obj{{"code": "graph_request_failed", "message": "HTTP 500: {\"error\": 1}"}}
	rel := []string{domain.RelBackupSet}
	cases := []familyCase{
		// succeeded
		{name: "every expected item captured", setup: backupRun{sets: []bset{full}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBackupComplete, links: rel,
			says: []string{"Backup captured in full: backup set ", " has 5 of 5 items captured, 0 failed and 0 without assignments."}},
		{name: "the one set of the run, no pointer", setup: backupRun{sets: []bset{full}, pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBackupComplete, links: rel},
		{name: "an empty set that completed", setup: backupRun{sets: []bset{{where: inScope, status: "completed"}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBackupComplete, links: rel, says: []string{" has no items to capture."}},
		{name: "complete set wins over a skip reason", setup: backupRun{skip: "schedule_disabled", sets: []bset{full}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBackupComplete, links: rel},
		{name: "skipped items beyond the expected count do not matter", setup: backupRun{sets: []bset{{where: inScope, expected: 2, captured: 2, skipped: 1}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBackupComplete, links: rel},
		{name: "pointed set with no run recorded", setup: backupRun{sets: []bset{{where: inScope, orphan: true, expected: 1, captured: 1}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBackupComplete, links: rel},
		{name: "a pointer settles two candidates", setup: backupRun{sets: []bset{full, {where: inScope, expected: 3, failed: 3}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBackupComplete, links: rel},
		{name: "no schedule named, any schedule will do", setup: backupRun{noSchedule: true, sets: []bset{{where: inScope, noSchedule: true, expected: 1, captured: 1}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonBackupComplete, links: rel},

		// partially_succeeded
		{name: "some failed", setup: backupRun{sets: []bset{{where: inScope, status: "running", expected: 5, captured: 3, capturedNoAssign: 1, failed: 1}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonBackupPartial, links: rel,
			says: []string{"Backup partly captured: backup set ", " has 4 of 5 items captured, 1 failed and 1 without assignments."}},
		{name: "all captured but assignments missing", setup: backupRun{sets: []bset{{where: inScope, expected: 2, captured: 1, capturedNoAssign: 1}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonBackupPartial, links: rel},
		{name: "fewer captured than expected", setup: backupRun{sets: []bset{{where: inScope, status: "running", expected: 5, captured: 2}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonBackupPartial, links: rel, says: []string{" has 2 of 5 items captured, 0 failed"}},
		{name: "usable output wins over a skip reason", setup: backupRun{skip: "schedule_lock_held", sets: []bset{{where: inScope, expected: 5, captured: 1}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonBackupPartial, links: rel},

		// blocked
		{name: "skipped with nothing captured", setup: backupRun{skip: "schedule_disabled", pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonBackupSkipped,
			exact: "Backup skipped (schedule_disabled): nothing captured, as 0 backup sets were recorded for this run."},
		{name: "blocked wins over failed", setup: backupRun{skip: "schedule_disabled", failures: failures, sets: []bset{{where: inScope, expected: 2, failed: 2}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonBackupSkipped, links: rel},
		{name: "a pointer to a missing set is no set", setup: backupRun{skip: "schedule_disabled", rawPointer: 987654321, pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonBackupSkipped, says: []string{"backup set 987654321 named by the run"}},

		// failed
		{name: "every item failed", setup: backupRun{sets: []bset{{where: inScope, status: "failed", expected: 2, failed: 2}}, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeFailed, reason: reconcile.ReasonBackupFailed, links: rel,
			says: []string{"Backup failed: backup set ", " has 0 of 2 items captured, 2 failed and 0 without assignments."}},
		{name: "no set, failures reported", setup: backupRun{failures: failures, pointTo: -1}.setup,
			kind: fin, outcome: domain.OutcomeFailed, reason: reconcile.ReasonBackupFailed,
			exact: "Backup failed: nothing captured, as 0 backup sets were recorded for this run; 1 failure reported (graph_request_failed)."},
		{name: "a set of another schedule is no set", setup: backupRun{failures: failures, sets: []bset{full}, otherSchedule: true, pointTo: 0}.setup,
			kind: fin, outcome: domain.OutcomeFailed, reason: reconcile.ReasonBackupFailed, says: []string{"nothing captured, as backup set ", " named by the run is missing or belongs to another schedule or run; 1 failure reported"}},

		// not_reconciled: missing or inconsistent proof
		{name: "a pointer to a missing set never falls back to the run's own", setup: backupRun{sets: []bset{full}, rawPointer: 987654321, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonMissing, says: []string{"backup set 987654321 named by the run"}},
		{name: "nothing recorded", setup: backupRun{pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonMissing,
			exact: "No backup outcome can be proven: nothing captured, as 0 backup sets were recorded for this run; no skip reason was recorded and 0 failures were reported."},
		{name: "an empty set still running", setup: backupRun{sets: []bset{{where: inScope, status: "running"}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonMissing, links: rel},
		{name: "more captured than expected", setup: backupRun{sets: []bset{{where: inScope, expected: 1, captured: 2}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonInconsistent, links: rel, says: []string{" has 2 of 1 item captured, more than it expects."}},
		{name: "a set of another run is no set", setup: backupRun{sets: []bset{{where: inScope, otherRun: true, expected: 1, captured: 1}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonMissing},
		{name: "a set without schedule when the run names one", setup: backupRun{sets: []bset{{where: inScope, noSchedule: true, expected: 1, captured: 1}}, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonMissing, says: []string{"nothing captured, as the only backup set recorded for this run is of another schedule;"}},
		{name: "a malformed pointer names nothing, no fallback", setup: backupRun{sets: []bset{full}, rawPointer: obj{"id": 5}, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonMissing, says: []string{"unreadable id"}},

		// not_reconciled: fail closed
		{name: "pointer into another workspace", setup: backupRun{sets: []bset{{where: otherWorkspace, noSchedule: true, expected: 5, captured: 5}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonScopeMismatch,
			exact: "Backup proof lies outside this run's scope: 1 backup set tied to this run belongs to another workspace or environment."},
		{name: "pointer into another environment", setup: backupRun{sets: []bset{{where: otherEnvironment, noSchedule: true, orphan: true, expected: 5, captured: 5}}, pointTo: 0}.setup,
			kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "the run's only set lies in another environment", setup: backupRun{sets: []bset{{where: otherEnvironment, expected: 5, captured: 5}}, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "scope is checked before a skip reason", setup: backupRun{skip: "schedule_disabled", sets: []bset{{where: otherWorkspace, expected: 1}}, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "two candidates without a pointer", setup: backupRun{sets: []bset{full, full}, pointTo: -1}.setup,
			kind: nr, reason: reconcile.ReasonAmbiguous, links: []string{domain.RelBackupSet, domain.RelBackupSet},
			exact: "Backup proof is ambiguous: 2 backup sets were recorded for this run and it does not say which one is its own."},
	}
	runFamily(t, domain.FamilyBackupScheduleExecute, cases)
}
