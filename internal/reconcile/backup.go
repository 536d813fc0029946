package reconcile

import (
	"strconv"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
)

// backupAdapter decides backup.schedule.execute runs (docs/contract.md,
// section 4.5) from the backup set they produced, its items, the skip reason
// and failures.
type backupAdapter struct{}

// Family implements Adapter.
func (backupAdapter) Family() domain.Family { return domain.FamilyBackupScheduleExecute }

// Version implements Adapter.
func (backupAdapter) Version() string { return adapterBackup }

// Decide applies the backup rules in order: a set tied to the run out of
// scope, two candidates without a pointer, then succeeded, partially
// succeeded, blocked, failed, and not_reconciled for anything else.
func (a backupAdapter) Decide(run domain.Run, p proof.Proof) domain.Decision {
	bp := p.Backup
	if bp == nil {
		bp = &proof.BackupProof{}
	}
	c := bp.Claims
	res := resolve(c.SetID, bp.Pointed, bp.Candidates, func(s *proof.BackupSet) (int64, bool, bool) {
		return s.ID, s.InScope, s.InScope && pointerMatches(c.ScheduleID, s.ScheduleID) && ownedBy(s.RunID, run.ID)
	})
	var set proof.BackupSet // zero: no set, nothing captured
	var links []domain.Link
	if res.found != nil {
		set = *res.found
		links = []domain.Link{{Rel: domain.RelBackupSet, ID: set.ID}}
	}
	prf := map[string]any{
		"candidates":          int64(len(res.inScope)),
		"out_of_scope":        res.outOfScope,
		"expected":            set.Expected,
		"captured":            set.Captured,
		"failed":              set.Failed,
		"assignments_missing": set.AssignmentsMissing,
		"failures":            int64(bp.Failures.Count),
	}
	if res.found != nil {
		prf["backup_set_id"], prf["set_status"] = set.ID, set.Status
	}
	if c.ScheduleID.Valid() {
		prf["backup_schedule_id"] = c.ScheduleID.ID
	}
	if c.SetID.Valid() {
		prf["set_pointer"] = c.SetID.ID
	}
	if c.SkipReason.Set {
		prf["skip_reason"] = safeCode(c.SkipReason.Code)
	}
	summary := map[string]int64{"expected": set.Expected, "captured": set.Captured, "failed": set.Failed,
		"assignments_missing": set.AssignmentsMissing}
	held := backupHeld(res.found, c.SetID, len(res.inScope))

	d, closed := failClosed(res, backupSetNoun, func(s *proof.BackupSet) int64 { return s.ID }, prf)
	switch {
	case closed:
	case res.found != nil && set.Captured == set.Expected && set.Failed == 0 && set.AssignmentsMissing == 0 &&
		(set.Expected > 0 || set.Status == "completed"):
		d = finalized(domain.OutcomeSucceeded, ReasonBackupComplete, "Backup captured in full: "+held+
			", with 0 failed and 0 missing assignments.", prf, links, summary)
	case set.Captured >= 1 && (set.Failed > 0 || set.Captured < set.Expected || set.AssignmentsMissing > 0):
		d = finalized(domain.OutcomePartiallySucceeded, ReasonBackupPartial, "Backup partly captured: "+held+", with "+
			strconv.FormatInt(set.Failed, 10)+" failed and "+plural(set.AssignmentsMissing, "missing assignment", "missing assignments")+".",
			prf, links, summary)
	case set.Captured == 0 && c.SkipReason.Set:
		d = finalized(domain.OutcomeBlocked, ReasonBackupSkipped, "Backup skipped"+parenCode(c.SkipReason.Code)+": "+held+".",
			prf, links, summary)
	case set.Captured == 0 && (set.Failed > 0 || bp.Failures.Count > 0):
		msg := "Backup failed: " + held
		if res.found != nil {
			msg += ", with " + strconv.FormatInt(set.Failed, 10) + " failed"
		}
		if bp.Failures.Count > 0 {
			msg += "; the run reported " + failures(bp.Failures)
		}
		d = finalized(domain.OutcomeFailed, ReasonBackupFailed, msg+".", prf, links, summary)
	case set.Captured > set.Expected:
		d = notReconciled(ReasonInconsistent, "No backup outcome can be proven: "+held+
			", more than the set expects.", prf, links)
	default:
		d = notReconciled(ReasonMissing, "No backup outcome can be proven: "+held+
			", no skip reason was recorded and 0 failures were reported.", prf, links)
	}
	d.Adapter = a.Version()
	return d
}

var backupSetNoun = artifactNoun{family: "Backup", one: "backup set", many: "backup sets", rel: domain.RelBackupSet}

// backupHeld describes what was captured, e.g. "backup set 55 holds 3 of 5
// expected items"; candidates counts the in-scope sets recorded for the run.
func backupHeld(set *proof.BackupSet, ptr proof.Pointer, candidates int) string {
	switch {
	case set != nil:
		return "backup set " + strconv.FormatInt(set.ID, 10) + " holds " + strconv.FormatInt(set.Captured, 10) +
			" of " + plural(set.Expected, "expected item", "expected items")
	case ptr.Malformed:
		return "the run names its backup set with an unreadable id, so 0 items could be counted"
	case ptr.Given:
		return "backup set " + strconv.FormatInt(ptr.ID, 10) + " named by the run is missing or not valid for it " +
			"(another schedule or run), so 0 items could be counted"
	case candidates == 1:
		return "the 1 backup set recorded for this run is of another schedule, so 0 items could be counted"
	default:
		return "0 backup sets were recorded for this run, so 0 items were captured"
	}
}
