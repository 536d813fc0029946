package wording

import "strconv"

// Artifact is a kind of artifact a run produces and is decided from.
type Artifact uint8

// The artifacts of baseline captures and scheduled backups.
const (
	ArtifactSnapshot Artifact = iota + 1
	ArtifactBackupSet
)

// family is the proof's owner as a sentence starts: "Baseline", "Backup".
func (a Artifact) family() string {
	if a == ArtifactSnapshot {
		return "Baseline"
	}
	return "Backup"
}

// noun is the artifact's name: "snapshot", "backup set".
func (a Artifact) noun() string {
	if a == ArtifactSnapshot {
		return "snapshot"
	}
	return "backup set"
}

// parent is what the run names beside its artifact: "profile", "schedule".
func (a Artifact) parent() string {
	if a == ArtifactSnapshot {
		return "profile"
	}
	return "schedule"
}

// Missing says why a run has no artifact to be decided from.
type Missing struct {
	// Pointer: the run names an artifact, by id ID unless Malformed.
	Pointer   bool
	Malformed bool
	ID        int64
	// Candidates counts the in-scope artifacts recorded for the run.
	Candidates int
}

// none reports that the run recorded no artifact at all and names none.
func (m Missing) none() bool { return !m.Pointer && !m.Malformed && m.Candidates != 1 }

// why says why there is no artifact, as a clause: "0 snapshots were
// recorded for this run", "snapshot 91 named by the run is missing or
// belongs to another profile or run".
func (m Missing) why(a Artifact) string {
	switch {
	case m.Malformed:
		return "the run names its " + a.noun() + " with an unreadable id"
	case m.Pointer:
		return a.noun() + " " + strconv.FormatInt(m.ID, 10) + " named by the run is missing or belongs to another " +
			a.parent() + " or run"
	case m.Candidates == 1:
		return "the only " + a.noun() + " recorded for this run is of another " + a.parent()
	default:
		return "0 " + a.noun() + "s were recorded for this run"
	}
}

// Failures are the failures a run reported in its failures list.
type Failures struct {
	Count int64
	// FirstCode is the code of the first failure that has one, as written.
	FirstCode string
}

// figure words the failures for a summary or a sentence, which also names
// the first code: "1 failure reported (graph_throttled)". It is "" when
// there are none.
func (f Failures) figure(st style) string {
	if f.Count == 0 {
		return ""
	}
	s := plural(f.Count, "failure", "failures") + " reported"
	if st == inSentence {
		s += parenCode(f.FirstCode)
	}
	return s
}

// ScopeMismatch explains proof tied to a run that lies in another workspace
// or environment: n artifacts of kind a.
func ScopeMismatch(a Artifact, n int64) string {
	return a.family() + " proof lies outside this run's scope: " + plural(n, a.noun(), a.noun()+"s") +
		" tied to this run " + belongs(n) + " to another workspace or environment."
}

// Ambiguous explains n artifacts of kind a recorded for a run that does not
// say which one is its own.
func Ambiguous(a Artifact, n int) string {
	return a.family() + " proof is ambiguous: " + strconv.Itoa(n) + " " + a.noun() + "s were recorded for this run " +
		"and it does not say which one is its own."
}
