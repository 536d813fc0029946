package proof

import (
	"encoding/json"

	"github.com/jackc/pgx/v5"
)

// BaselineClaims is the baseline_capture section of a run's context.
type BaselineClaims struct {
	ProfileID  Pointer
	SnapshotID Pointer
	// EligibilityBlocked: eligibility.status is "blocked";
	// EligibilityCode is eligibility.reason_code, possibly empty.
	EligibilityBlocked bool
	EligibilityCode    string
	// GapCount is gaps.count; MetaFallbackCount is meta_fallback_count.
	GapCount          int64
	MetaFallbackCount int64
}

// Snapshot is a baseline_snapshots row tied to a run, by pointer or by
// operation_run_id. InScope says whether it lies in the run's scope.
type Snapshot struct {
	ID            int64
	WorkspaceID   int64
	EnvironmentID int64
	ProfileID     int64
	// RunID is operation_run_id, 0 when NULL.
	RunID     int64
	ItemCount int64
	GapCount  int64
	InScope   bool
}

// BaselineProof is a baseline.capture run's claims, failures and snapshots.
type BaselineProof struct {
	Claims   BaselineClaims
	Failures Failures
	// Pointed is the snapshot Claims.SnapshotID names, in whatever scope;
	// nil when there is no pointer or no such snapshot.
	Pointed *Snapshot
	// Candidates are the snapshots whose operation_run_id is the run, in
	// any scope, by id.
	Candidates []Snapshot
}

// ParseBaselineClaims reads the baseline_capture section of a run context;
// it never fails (see the package's leniency rule).
func ParseBaselineClaims(context json.RawMessage) BaselineClaims {
	bc := parseValue(context).field("baseline_capture")
	if !bc.is('{') {
		return BaselineClaims{}
	}
	var c BaselineClaims
	for k, v := range bc.members() {
		switch {
		case keyIs(k, "baseline_profile_id"):
			c.ProfileID = readPointer(v)
		case keyIs(k, "baseline_snapshot_id"):
			c.SnapshotID = readPointer(v)
		case keyIs(k, "eligibility"):
			c.EligibilityBlocked = readString(v.field("status")) == "blocked"
			c.EligibilityCode = readString(v.field("reason_code"))
		case keyIs(k, "gaps"):
			c.GapCount = readCount(v.field("count"))
		case keyIs(k, "meta_fallback_count"):
			c.MetaFallbackCount = readCount(v)
		}
	}
	return c
}

// baselineLoader reads the snapshots named by pointer or tied by run id.
type baselineLoader struct {
	artifactIndex
	out []Proof
}

func newBaselineLoader(reqs []Request, out []Proof) *baselineLoader {
	l := &baselineLoader{artifactIndex: newArtifactIndex(reqs), out: out}
	proofs := make([]BaselineProof, 0, countKind(reqs, KindBaseline))
	for i, rq := range reqs {
		if rq.Kind != KindBaseline {
			continue
		}
		p := BaselineProof{Claims: ParseBaselineClaims(rq.Run.Context), Failures: readFailures(rq.Run.Failures)}
		proofs = append(proofs, p)
		out[i].Baseline = &proofs[len(proofs)-1]
		l.add(i, p.Claims.SnapshotID)
	}
	return l
}

const baselineSQL = `SELECT id, workspace_id, managed_environment_id, baseline_profile_id,
		coalesce(operation_run_id, 0), item_count, gap_count
	FROM baseline_snapshots
	WHERE id = ANY($1) OR operation_run_id = ANY($2)
	ORDER BY id`

func (l *baselineLoader) queue(b *pgx.Batch) {
	if len(l.runs) == 0 {
		return
	}
	b.Queue(baselineSQL, l.pointers.ids(), l.runs.ids()).Query(func(rows pgx.Rows) error {
		var s Snapshot
		_, err := pgx.ForEachRow(rows, []any{&s.ID, &s.WorkspaceID, &s.EnvironmentID, &s.ProfileID,
			&s.RunID, &s.ItemCount, &s.GapCount}, func() error {
			l.place(s.ID, s.RunID, s.WorkspaceID, s.EnvironmentID, func(i int, inScope bool) {
				pointed := s
				pointed.InScope = inScope
				l.out[i].Baseline.Pointed = &pointed
			}, func(i int, inScope bool) {
				c := s
				c.InScope = inScope
				l.out[i].Baseline.Candidates = append(l.out[i].Baseline.Candidates, c)
			})
			return nil
		})
		return err
	})
}
