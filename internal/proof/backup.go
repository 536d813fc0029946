package proof

import (
	"encoding/json"

	"github.com/jackc/pgx/v5"
)

// BackupClaims is what a backup.schedule.execute run's context claims.
type BackupClaims struct {
	ScheduleID Pointer
	SetID      Pointer
	// SkipReason is backup_schedule.skip_reason.
	SkipReason Reason
}

// BackupSet is a backup_sets row tied to a run, by pointer or by
// operation_run_id, with its items counted. InScope says whether it lies in
// the run's scope.
type BackupSet struct {
	ID            int64
	WorkspaceID   int64
	EnvironmentID int64
	// ScheduleID is backup_schedule_id and RunID operation_run_id, 0 when NULL.
	ScheduleID int64
	RunID      int64
	Status     string
	// Expected is item_count; the rest count its backup_items: status
	// captured, status failed, assignments_status missing or failed.
	Expected           int64
	Captured           int64
	Failed             int64
	AssignmentsMissing int64
	InScope            bool
}

// BackupProof is a backup.schedule.execute run's claims, failures and sets.
type BackupProof struct {
	Claims   BackupClaims
	Failures Failures
	// Pointed is the set Claims.SetID names, in whatever scope; nil when
	// there is no pointer or no such set.
	Pointed *BackupSet
	// Candidates are the sets whose operation_run_id is the run, in any
	// scope, by id.
	Candidates []BackupSet
}

// ParseBackupClaims reads a backup run's context; it never fails (see the
// package's leniency rule).
func ParseBackupClaims(context json.RawMessage) BackupClaims {
	var c BackupClaims
	for k, v := range parseValue(context).members() {
		switch {
		case keyIs(k, "backup_schedule_id"):
			c.ScheduleID = readPointer(v)
		case keyIs(k, "backup_set_id"):
			c.SetID = readPointer(v)
		case keyIs(k, "backup_schedule"):
			c.SkipReason = readReason(v.field("skip_reason"))
		}
	}
	return c
}

// backupLoader reads the sets named by pointer or tied by run id, with
// their items counted.
type backupLoader struct {
	artifactIndex
	out []Proof
}

func newBackupLoader(reqs []Request, out []Proof) *backupLoader {
	l := &backupLoader{artifactIndex: newArtifactIndex(reqs), out: out}
	proofs := make([]BackupProof, 0, countKind(reqs, KindBackup))
	for i, rq := range reqs {
		if rq.Kind != KindBackup {
			continue
		}
		p := BackupProof{Claims: ParseBackupClaims(rq.Run.Context), Failures: readFailures(rq.Run.Failures)}
		proofs = append(proofs, p)
		out[i].Backup = &proofs[len(proofs)-1]
		l.add(i, p.Claims.SetID)
	}
	return l
}

// backupSQL counts items per set from the covering index on backup_items.
const backupSQL = `SELECT b.id, b.workspace_id, b.managed_environment_id, coalesce(b.backup_schedule_id, 0),
		coalesce(b.operation_run_id, 0), b.status, b.item_count,
		count(*) FILTER (WHERE i.status = 'captured'),
		count(*) FILTER (WHERE i.status = 'failed'),
		count(*) FILTER (WHERE i.assignments_status IN ('missing', 'failed'))
	FROM backup_sets b
	LEFT JOIN backup_items i ON i.backup_set_id = b.id
	WHERE b.id = ANY($1) OR b.operation_run_id = ANY($2)
	GROUP BY b.id
	ORDER BY b.id`

func (l *backupLoader) queue(b *pgx.Batch) {
	if len(l.runs) == 0 {
		return
	}
	b.Queue(backupSQL, l.pointers.ids(), l.runs.ids()).Query(func(rows pgx.Rows) error {
		var s BackupSet
		_, err := pgx.ForEachRow(rows, []any{&s.ID, &s.WorkspaceID, &s.EnvironmentID, &s.ScheduleID, &s.RunID,
			&s.Status, &s.Expected, &s.Captured, &s.Failed, &s.AssignmentsMissing}, func() error {
			l.place(s.ID, s.RunID, s.WorkspaceID, s.EnvironmentID, func(i int, inScope bool) {
				pointed := s
				pointed.InScope = inScope
				l.out[i].Backup.Pointed = &pointed
			}, func(i int, inScope bool) {
				c := s
				c.InScope = inScope
				l.out[i].Backup.Candidates = append(l.out[i].Backup.Candidates, c)
			})
			return nil
		})
		return err
	})
}
