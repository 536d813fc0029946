package wording

import "strconv"

// Baseline is what a baseline capture's decision found: the snapshot it was
// decided from with its figures, or why there is none, and the failures the
// run reported.
type Baseline struct {
	// Snapshot is the id of the snapshot; 0 when there is none, and Missing
	// says why.
	Snapshot                   int64
	Items, Gaps, MetaFallbacks int64
	Missing                    Missing
	Failures                   Failures
}

// baselineFromCounts reads a baseline capture's figures from its summary
// counts: the keys its decision writes (snapshots, and item_count, gaps and
// meta_fallback_count with a snapshot, failures without). ok is false
// without "snapshots".
func baselineFromCounts(c counts) (b Baseline, snapshot, ok bool) {
	b = Baseline{Items: c.get("item_count"), Gaps: c.get("gaps"), MetaFallbacks: c.get("meta_fallback_count"),
		Failures: Failures{Count: c.get("failures")}}
	return b, c.get("snapshots") > 0, c.has("snapshots")
}

// figures are the capture's figures for a summary: items and gaps (with
// metadata fallbacks when there are some) when there is a snapshot, else
// the missing snapshot and the failures reported.
func (b Baseline) figures(snapshot bool) []string {
	if snapshot {
		out := []string{inSummary.count(b.Items, "item", "items"), inSummary.count(b.Gaps, "gap", "gaps")}
		if b.MetaFallbacks > 0 {
			out = append(out, plural(b.MetaFallbacks, "metadata fallback", "metadata fallbacks"))
		}
		return out
	}
	out := []string{inSummary.count(0, "snapshot", "snapshots")}
	if f := b.Failures.figure(inSummary); f != "" {
		out = append(out, f)
	}
	return out
}

// held says what the snapshot holds: "snapshot 91 holds 48 items with 0
// gaps and 0 metadata fallbacks".
func (b Baseline) held() string {
	return "snapshot " + strconv.FormatInt(b.Snapshot, 10) + " holds " + plural(b.Items, "item", "items") + " with " +
		plural(b.Gaps, "gap", "gaps") + " and " + plural(b.MetaFallbacks, "metadata fallback", "metadata fallbacks")
}

// none says why there is no snapshot, and the failures reported.
func (b Baseline) none() string {
	s := b.Missing.why(ArtifactSnapshot)
	if !b.Missing.none() {
		s += ", so 0 snapshots could be used"
	}
	if f := b.Failures.figure(inSentence); f != "" {
		s += "; " + f
	}
	return s
}

// BaselineComplete explains a capture whose snapshot has no gaps and no
// metadata fallbacks.
func BaselineComplete(b Baseline) string { return "Baseline captured: " + b.held() + "." }

// BaselinePartial explains a capture whose snapshot has gaps or metadata
// fallbacks.
func BaselinePartial(b Baseline) string { return "Baseline partly captured: " + b.held() + "." }

// BaselineBlocked explains a capture without a snapshot whose eligibility
// was blocked, with the job's code when it gave one.
func BaselineBlocked(b Baseline, reasonCode string) string {
	return "Baseline capture blocked" + parenCode(reasonCode) + ": " + b.none() + "."
}

// BaselineFailed explains a capture without a snapshot whose run reported
// failures.
func BaselineFailed(b Baseline) string { return "Baseline capture failed: " + b.none() + "." }

// BaselineUnproven explains a capture whose outcome the proof cannot
// settle: no snapshot, not blocked, no failures.
func BaselineUnproven(b Baseline) string {
	s := b.Missing.why(ArtifactSnapshot)
	if !b.Missing.none() {
		s += ", so 0 snapshots could be used"
	}
	return "No baseline outcome can be proven: " + s + "; the capture was not blocked and 0 failures were reported."
}
