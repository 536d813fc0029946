package reconcile

import (
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/wording"
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
		prf["skip_reason"] = wording.SafeCode(c.SkipReason.Code)
	}
	summary := map[string]int64{"expected": set.Expected, "captured": set.Captured, "failed": set.Failed,
		"assignments_missing": set.AssignmentsMissing, "failures": int64(bp.Failures.Count)}
	w := wording.Backup{Set: set.ID, Expected: set.Expected, Captured: set.Captured, Failed: set.Failed,
		AssignmentsMissing: set.AssignmentsMissing, Missing: missing(c.SetID, len(res.inScope)), Failures: failuresOf(bp.Failures)}

	d, closed := failClosed(res, backupSetNoun, func(s *proof.BackupSet) int64 { return s.ID }, prf)
	switch {
	case closed:
	case res.found != nil && set.Captured == set.Expected && set.Failed == 0 && set.AssignmentsMissing == 0 &&
		(set.Expected > 0 || set.Status == "completed"):
		d = finalized(domain.OutcomeSucceeded, ReasonBackupComplete, wording.BackupComplete(w), prf, links, summary)
	case set.Captured >= 1 && (set.Failed > 0 || set.Captured < set.Expected || set.AssignmentsMissing > 0):
		d = finalized(domain.OutcomePartiallySucceeded, ReasonBackupPartial, wording.BackupPartial(w), prf, links, summary)
	case set.Captured == 0 && c.SkipReason.Set:
		d = finalized(domain.OutcomeBlocked, ReasonBackupSkipped, wording.BackupSkipped(w, c.SkipReason.Code), prf, links, summary)
	case set.Captured == 0 && (set.Failed > 0 || bp.Failures.Count > 0):
		d = finalized(domain.OutcomeFailed, ReasonBackupFailed, wording.BackupFailed(w), prf, links, summary)
	case set.Captured > set.Expected:
		d = notReconciled(ReasonInconsistent, wording.BackupInconsistent(w), prf, links)
	default:
		d = notReconciled(ReasonMissing, wording.BackupUnproven(w), prf, links)
	}
	d.Adapter = a.Version()
	return d
}

var backupSetNoun = artifactNoun{kind: wording.ArtifactBackupSet, rel: domain.RelBackupSet}
