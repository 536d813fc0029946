package repo

import (
	"cmp"
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/repo/internal/sqlcdb"
)

// ProofLoad reads the proof of every request, set-based: it parses each run's
// context and failures (package proof) and sends one batch (one round trip)
// with at most one query per artifact kind present (queries/proof.sql),
// whatever the number of runs. Artifacts tied to a run but outside its scope
// are loaded too, marked, so that deciders can fail closed. Malformed context
// is never an error: a value of the wrong JSON type reads as absent or
// malformed. The result has one Proof per request, in order. It returns only
// database errors; run it in the transaction that holds the runs' locks when
// there is one.
func ProofLoad(ctx context.Context, db DBTX, reqs []proof.Request) ([]proof.Proof, error) {
	out := make([]proof.Proof, len(reqs))
	inventory := runIndex{} // run id → its inventory requests
	var baseline, backup artifactIndex
	for i, rq := range reqs {
		switch rq.Kind {
		case proof.KindInventory:
			out[i].Inventory = &proof.InventoryProof{Claims: proof.ParseInventoryClaims(rq.Run.Context)}
			inventory.add(rq.Run.ID, i)
		case proof.KindBaseline:
			p := &proof.BaselineProof{
				Claims:   proof.ParseBaselineClaims(rq.Run.Context),
				Failures: proof.ParseFailures(rq.Run.Failures),
			}
			out[i].Baseline = p
			baseline.add(rq.Run.ID, i, p.Claims.SnapshotID)
		case proof.KindBackup:
			p := &proof.BackupProof{
				Claims:   proof.ParseBackupClaims(rq.Run.Context),
				Failures: proof.ParseFailures(rq.Run.Failures),
			}
			out[i].Backup = p
			backup.add(rq.Run.ID, i, p.Claims.SetID)
		case proof.KindNone: // an unsupported family: nothing to load
		}
	}

	join := &batchJoin{}
	q := sqlcdb.New(join)
	var (
		inventoryRows *sqlcdb.ProofInventoryBatchResults
		snapshotRows  *sqlcdb.ProofSnapshotsBatchResults
		setRows       *sqlcdb.ProofBackupSetsBatchResults
	)
	if len(inventory) > 0 {
		inventoryRows = q.ProofInventory(ctx, [][]int64{inventory.ids()})
	}
	if len(baseline.runs) > 0 {
		snapshotRows = q.ProofSnapshots(ctx, []sqlcdb.ProofSnapshotsParams{{
			Ids: baseline.pointers.ids(), RunIds: baseline.runs.ids(),
		}})
	}
	if len(backup.runs) > 0 {
		setRows = q.ProofBackupSets(ctx, []sqlcdb.ProofBackupSetsParams{{
			Ids: backup.pointers.ids(), RunIds: backup.runs.ids(),
		}})
	}
	if join.batch.Len() == 0 {
		return out, nil
	}

	// Read each query's rows in the order queued.
	var firstErr error
	join.send(ctx, db)
	if inventoryRows != nil {
		inventoryRows.Query(func(_ int, rows []sqlcdb.ProofInventoryRow, err error) {
			firstErr = cmp.Or(firstErr, err)
			for _, r := range rows {
				for _, i := range inventory[r.RunID] {
					p := out[i].Inventory
					if proof.ScopeOf(reqs[i].Run).Contains(r.WorkspaceID, r.ManagedEnvironmentID) {
						p.ObservedInScope += r.Items
					} else {
						p.ObservedOutOfScope += r.Items
					}
				}
			}
		})
	}
	if snapshotRows != nil {
		snapshotRows.Query(func(_ int, rows []sqlcdb.ProofSnapshotsRow, err error) {
			firstErr = cmp.Or(firstErr, err)
			for _, r := range rows {
				s := proof.Snapshot{ID: r.ID, WorkspaceID: r.WorkspaceID, EnvironmentID: r.ManagedEnvironmentID,
					ProfileID: r.BaselineProfileID, RunID: r.RunID, ItemCount: int64(r.ItemCount), GapCount: int64(r.GapCount)}
				for _, i := range baseline.pointers[s.ID] {
					pointed := s
					pointed.InScope = proof.ScopeOf(reqs[i].Run).Contains(s.WorkspaceID, s.EnvironmentID)
					out[i].Baseline.Pointed = &pointed
				}
				for _, i := range baseline.runs[s.RunID] {
					c := s
					c.InScope = proof.ScopeOf(reqs[i].Run).Contains(s.WorkspaceID, s.EnvironmentID)
					out[i].Baseline.Candidates = append(out[i].Baseline.Candidates, c)
				}
			}
		})
	}
	if setRows != nil {
		setRows.Query(func(_ int, rows []sqlcdb.ProofBackupSetsRow, err error) {
			firstErr = cmp.Or(firstErr, err)
			for _, r := range rows {
				s := proof.BackupSet{ID: r.ID, WorkspaceID: r.WorkspaceID, EnvironmentID: r.ManagedEnvironmentID,
					ScheduleID: r.ScheduleID, RunID: r.RunID, Status: r.Status, Expected: int64(r.ItemCount),
					Captured: r.Captured, Failed: r.Failed, AssignmentsMissing: r.AssignmentsMissing}
				for _, i := range backup.pointers[s.ID] {
					pointed := s
					pointed.InScope = proof.ScopeOf(reqs[i].Run).Contains(s.WorkspaceID, s.EnvironmentID)
					out[i].Backup.Pointed = &pointed
				}
				for _, i := range backup.runs[s.RunID] {
					c := s
					c.InScope = proof.ScopeOf(reqs[i].Run).Contains(s.WorkspaceID, s.EnvironmentID)
					out[i].Backup.Candidates = append(out[i].Backup.Candidates, c)
				}
			}
		})
	}
	if err := cmp.Or(firstErr, join.close()); err != nil {
		return nil, fmt.Errorf("load proof: %w", err)
	}
	return out, nil
}

// runIndex maps an id to the positions of the requests for it (normally
// one; a run requested twice gets its proof twice).
type runIndex map[int64][]int

func (ix runIndex) add(id int64, i int) { ix[id] = append(ix[id], i) }

// ids returns the distinct ids of the index.
func (ix runIndex) ids() []int64 {
	ids := make([]int64, 0, len(ix))
	for id := range ix {
		ids = append(ids, id)
	}
	return ids
}

// artifactIndex is where the snapshots or backup sets of a batch belong: the
// requests of each run that may have recorded one, and the requests naming
// each artifact by pointer.
type artifactIndex struct {
	runs     runIndex // run id → requests
	pointers runIndex // artifact id → requests pointing at it
}

// add indexes request i of run runID, which may point at an artifact.
func (x *artifactIndex) add(runID int64, i int, ptr proof.Pointer) {
	if x.runs == nil {
		x.runs, x.pointers = runIndex{}, runIndex{}
	}
	x.runs.add(runID, i)
	if ptr.Valid() {
		x.pointers.add(ptr.ID, i)
	}
}

// batchJoin gathers the batches that sqlc's :batchmany queries send into one
// pgx.Batch, so that the proof of every artifact kind takes a single round
// trip: queue the queries through sqlcdb.New(join), send, read each query's
// results in the order queued, then close. Only SendBatch may be called on
// it: the embedded DBTX is nil.
type batchJoin struct {
	DBTX
	batch pgx.Batch
	sent  pgx.BatchResults
}

// SendBatch queues b's queries into the joined batch; the results it returns
// can be read once the joined batch is sent.
func (j *batchJoin) SendBatch(_ context.Context, b *pgx.Batch) pgx.BatchResults {
	j.batch.QueuedQueries = append(j.batch.QueuedQueries, b.QueuedQueries...)
	return joinedResults{j}
}

// send sends the joined batch on db.
func (j *batchJoin) send(ctx context.Context, db DBTX) { j.sent = db.SendBatch(ctx, &j.batch) }

// close closes the sent batch, returning its error.
func (j *batchJoin) close() error { return j.sent.Close() }

// joinedResults reads one query's share of the joined batch. Closing it
// leaves the batch open for the queries after it.
type joinedResults struct{ j *batchJoin }

func (r joinedResults) Exec() (pgconn.CommandTag, error) { return r.j.sent.Exec() }
func (r joinedResults) Query() (pgx.Rows, error)         { return r.j.sent.Query() }
func (r joinedResults) QueryRow() pgx.Row                { return r.j.sent.QueryRow() }
func (r joinedResults) Close() error                     { return nil }
func (r joinedResults) Tx() pgx.Tx                       { return r.j.sent.Tx() }
