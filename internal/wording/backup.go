package wording

import (
	"strconv"

	"github.com/runproof/runproof/internal/domain"
)

// Backup is what a scheduled backup's decision found: the backup set it was
// decided from with its item counts, or why there is none, and the failures
// the run reported.
type Backup struct {
	// Set is the id of the backup set; 0 when there is none, and Missing
	// says why.
	Set                                            int64
	Expected, Captured, Failed, AssignmentsMissing int64
	Missing                                        Missing
	Failures                                       Failures
}

// backupFromCounts reads a scheduled backup's figures from its summary
// counts: the keys its decision writes (expected, captured, failed,
// assignments_missing, failures). ok is false without expected and captured.
func backupFromCounts(c counts) (b Backup, ok bool) {
	return Backup{Expected: c.get("expected"), Captured: c.get("captured"), Failed: c.get("failed"),
		AssignmentsMissing: c.get("assignments_missing"), Failures: Failures{Count: c.get("failures")}}, c.has("expected", "captured")
}

// captured says how many items were captured: "4 of 5 items captured",
// "no items to capture" for an empty set that succeeded, "nothing captured"
// when nothing was expected or captured otherwise.
func (b Backup) captured(o domain.Outcome) string {
	switch {
	case b.Expected == 0 && b.Captured == 0 && o == domain.OutcomeSucceeded:
		return "no items to capture"
	case b.Expected == 0 && b.Captured == 0:
		return "nothing captured"
	}
	return strconv.FormatInt(b.Captured, 10) + " of " + plural(b.Expected, "item", "items") + " captured"
}

// figures are the backup's figures for a summary: the items captured, then
// those failed or without assignments and the failures reported, zeros left
// out.
func (b Backup) figures(o domain.Outcome) []string {
	out := []string{b.captured(o)}
	if b.Failed > 0 {
		out = append(out, strconv.FormatInt(b.Failed, 10)+" failed")
	}
	if b.AssignmentsMissing > 0 {
		out = append(out, strconv.FormatInt(b.AssignmentsMissing, 10)+" without assignments")
	}
	if f := b.Failures.figure(inSummary); f != "" {
		out = append(out, f)
	}
	return out
}

// sentence says what the backup captured, with every figure: "backup set
// 55 has 4 of 5 items captured, 1 failed and 1 without assignments; 1
// failure reported (graph_throttled)".
func (b Backup) sentence(o domain.Outcome) string {
	var s string
	if b.Set == 0 {
		s = "nothing captured, as " + b.Missing.why(ArtifactBackupSet)
	} else {
		s = "backup set " + strconv.FormatInt(b.Set, 10) + " has " + b.captured(o)
		if b.Expected > 0 || b.Captured > 0 {
			s += ", " + strconv.FormatInt(b.Failed, 10) + " failed and " +
				strconv.FormatInt(b.AssignmentsMissing, 10) + " without assignments"
		}
	}
	if f := b.Failures.figure(inSentence); f != "" {
		s += "; " + f
	}
	return s
}

// BackupComplete explains a backup that captured every expected item.
func BackupComplete(b Backup) string {
	return "Backup captured in full: " + b.sentence(domain.OutcomeSucceeded) + "."
}

// BackupPartial explains a backup that captured some items but not all of
// them, or not all with their assignments.
func BackupPartial(b Backup) string {
	return "Backup partly captured: " + b.sentence(domain.OutcomePartiallySucceeded) + "."
}

// BackupSkipped explains a backup that captured nothing because the
// schedule was skipped, with the job's skip reason code.
func BackupSkipped(b Backup, reasonCode string) string {
	return "Backup skipped" + parenCode(reasonCode) + ": " + b.sentence(domain.OutcomeBlocked) + "."
}

// BackupFailed explains a backup that captured nothing while items failed
// or the run reported failures.
func BackupFailed(b Backup) string {
	return "Backup failed: " + b.sentence(domain.OutcomeFailed) + "."
}

// BackupInconsistent explains a backup set that holds more captured items
// than it expects.
func BackupInconsistent(b Backup) string {
	return "No backup outcome can be proven: backup set " + strconv.FormatInt(b.Set, 10) + " has " +
		b.captured(domain.OutcomePending) + ", more than it expects."
}

// BackupUnproven explains a backup whose outcome the proof cannot settle:
// nothing captured, no skip reason, no failures.
func BackupUnproven(b Backup) string {
	return "No backup outcome can be proven: " + b.sentence(domain.OutcomePending) +
		"; no skip reason was recorded and 0 failures were reported."
}
