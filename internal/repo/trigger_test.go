package repo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/repo"
)

// TestProofWritesTouchOpenRuns covers migration 00002: every write of proof
// tied to an open run moves the run's updated_at, so a reconciler that judged
// it on older proof loses its guarded write; completed runs are untouched.
func TestProofWritesTouchOpenRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	w := prooftest.NewWorld(t, pool)
	open := func(typ string) domain.Run {
		return prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: &w.Env, Type: typ})
	}
	completed := func(typ string) domain.Run {
		return prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: &w.Env, Type: typ, Status: "completed", Outcome: "succeeded"})
	}
	updatedAt := func(r domain.Run) time.Time { return prooftest.Get(t, pool, w.WS, r.ID).UpdatedAt }
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := pool.Exec(ctx, sql, args...)
		require.NoError(t, err, sql)
	}
	requireMoved := func(r domain.Run, before time.Time, what string) time.Time {
		t.Helper()
		after := updatedAt(r)
		require.True(t, after.After(before), what)
		return after
	}

	t.Run("inventory items", func(t *testing.T) {
		run, done, next := open("inventory.sync"), completed("inventory.sync"), open("inventory.sync")
		at, doneAt, nextAt := run.UpdatedAt, done.UpdatedAt, next.UpdatedAt
		prooftest.Items(t, pool, w.WS, w.Env, run.ID, "a", 3)
		prooftest.Items(t, pool, w.WS, w.Env, done.ID, "b", 3)
		at = requireMoved(run, at, "insert")
		require.Equal(t, doneAt, updatedAt(done), "a completed run is never touched")
		exec(`UPDATE inventory_items SET last_seen_operation_run_id = $2 WHERE last_seen_operation_run_id = $1`, run.ID, next.ID)
		at = requireMoved(run, at, "an item moving away changes the old run's proof")
		nextAt = requireMoved(next, nextAt, "and the new run's")
		exec(`DELETE FROM inventory_items WHERE last_seen_operation_run_id = $1`, next.ID)
		requireMoved(next, nextAt, "delete")
		require.Equal(t, at, updatedAt(run))
	})
	t.Run("baseline snapshots", func(t *testing.T) {
		run, done := open("baseline.capture"), completed("baseline.capture")
		at := run.UpdatedAt
		id := prooftest.InsertSnapshot(t, pool, prooftest.Snapshot{WS: w.WS, Env: w.Env, Profile: w.Profile, Run: run.ID})
		prooftest.InsertSnapshot(t, pool, prooftest.Snapshot{WS: w.WS, Env: w.Env, Profile: w.Profile, Run: done.ID})
		at = requireMoved(run, at, "insert")
		require.Equal(t, done.UpdatedAt, updatedAt(done))
		exec(`UPDATE baseline_snapshots SET gap_count = 4 WHERE id = $1`, id)
		at = requireMoved(run, at, "update")
		exec(`DELETE FROM baseline_snapshots WHERE id = $1`, id)
		requireMoved(run, at, "delete")
	})
	t.Run("backup sets and items", func(t *testing.T) {
		run, done := open("backup.schedule.execute"), completed("backup.schedule.execute")
		at := run.UpdatedAt
		set := prooftest.InsertSet(t, pool, prooftest.Set{WS: w.WS, Env: w.Env, Run: run.ID, Expected: 2})
		doneSet := prooftest.InsertSet(t, pool, prooftest.Set{WS: w.WS, Env: w.Env, Run: done.ID, Expected: 2})
		at = requireMoved(run, at, "set insert")
		prooftest.BackupItems(t, pool, set, "captured", "captured", 2)
		prooftest.BackupItems(t, pool, doneSet, "captured", "captured", 2)
		at = requireMoved(run, at, "item insert")
		require.Equal(t, done.UpdatedAt, updatedAt(done))
		exec(`UPDATE backup_items SET status = 'failed' WHERE backup_set_id = $1`, set)
		at = requireMoved(run, at, "item update")
		exec(`DELETE FROM backup_items WHERE backup_set_id = $1`, set)
		at = requireMoved(run, at, "item delete")
		exec(`UPDATE backup_sets SET status = 'failed' WHERE id = $1`, set)
		requireMoved(run, at, "set update")
	})
	// Artifacts a run names only by pointer (their
	// operation_run_id NULL) are its proof too.
	t.Run("a snapshot named by pointer", func(t *testing.T) {
		snap := prooftest.InsertSnapshot(t, pool, prooftest.Snapshot{WS: w.WS, Env: w.Env, Profile: w.Profile})
		other := prooftest.InsertSnapshot(t, pool, prooftest.Snapshot{WS: w.WS, Env: w.Env, Profile: w.Profile})
		pointing := func(pointer any) prooftest.Run {
			return prooftest.Run{WS: w.WS, Env: &w.Env, Type: "baseline.capture",
				Context: map[string]any{"baseline_capture": map[string]any{"baseline_snapshot_id": pointer}}}
		}
		finished := pointing(snap)
		finished.Status, finished.Outcome = "completed", "succeeded"
		run := prooftest.InsertRun(t, pool, pointing(snap))
		asFloat := prooftest.InsertRun(t, pool, pointing(float64(snap)))
		done := prooftest.InsertRun(t, pool, finished)
		elsewhere := prooftest.InsertRun(t, pool, pointing(other))
		at, floatAt, elsewhereAt := run.UpdatedAt, asFloat.UpdatedAt, elsewhere.UpdatedAt
		exec(`UPDATE baseline_snapshots SET gap_count = 2 WHERE id = $1`, snap)
		at = requireMoved(run, at, "the pointed snapshot changed")
		requireMoved(asFloat, floatAt, "a pointer written as a float names the same snapshot")
		require.Equal(t, done.UpdatedAt, updatedAt(done), "a completed run is never touched")
		require.Equal(t, elsewhereAt, updatedAt(elsewhere), "a run pointing elsewhere is not touched")
		exec(`DELETE FROM baseline_snapshots WHERE id = $1`, snap)
		requireMoved(run, at, "the pointed snapshot was deleted")
	})
	t.Run("a backup set named by pointer", func(t *testing.T) {
		set := prooftest.InsertSet(t, pool, prooftest.Set{WS: w.WS, Env: w.Env, Expected: 2})
		run := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: &w.Env, Type: "backup.schedule.execute",
			Context: map[string]any{"backup_set_id": set}})
		at := run.UpdatedAt
		prooftest.BackupItems(t, pool, set, "captured", "captured", 2)
		at = requireMoved(run, at, "items added to the pointed set")
		exec(`UPDATE backup_sets SET status = 'completed' WHERE id = $1`, set)
		requireMoved(run, at, "the pointed set changed")
	})
	t.Run("one touch per statement", func(t *testing.T) {
		run := open("inventory.sync")
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx)
		before := prooftest.RunUpdates(t, tx)
		prooftest.Items(t, tx, w.WS, w.Env, run.ID, "a", 200)
		require.Equal(t, int64(1), prooftest.RunUpdates(t, tx)-before, "200 items in one statement touch their run once")
	})
}

// TestProofWritesLoseTheGuard holds what the finalize statement
// (queries/finalize.sql) relies on: a proof write tied to a run, insert or
// update, in each artifact table, moves the run's updated_at, so that a
// finalization guarded on the updated_at read before the write changes
// nothing and reports FinalizeChanged. Guarded on the fresh updated_at, the
// same finalization writes.
func TestProofWritesLoseTheGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	w := prooftest.NewWorld(t, pool)
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := pool.Exec(ctx, sql, args...)
		require.NoError(t, err, sql)
	}
	newSet := func(run domain.Run) int64 {
		return prooftest.InsertSet(t, pool, prooftest.Set{WS: w.WS, Env: w.Env, Run: run.ID, Expected: 2})
	}
	cases := []struct {
		table, op string
		typ       string
		// setup writes what must exist before the run is judged; write is the
		// proof write that comes after.
		setup func(run domain.Run)
		write func(run domain.Run)
	}{
		{"inventory_items", "insert", "inventory.sync", nil, func(run domain.Run) {
			prooftest.Items(t, pool, w.WS, w.Env, run.ID, "a", 2)
		}},
		{"inventory_items", "update", "inventory.sync", func(run domain.Run) {
			prooftest.Items(t, pool, w.WS, w.Env, run.ID, "a", 2)
		}, func(run domain.Run) {
			exec(`UPDATE inventory_items SET display_name = 'renamed' WHERE last_seen_operation_run_id = $1`, run.ID)
		}},
		{"baseline_snapshots", "insert", "baseline.capture", nil, func(run domain.Run) {
			prooftest.InsertSnapshot(t, pool, prooftest.Snapshot{WS: w.WS, Env: w.Env, Profile: w.Profile, Run: run.ID})
		}},
		{"baseline_snapshots", "update", "baseline.capture", func(run domain.Run) {
			prooftest.InsertSnapshot(t, pool, prooftest.Snapshot{WS: w.WS, Env: w.Env, Profile: w.Profile, Run: run.ID})
		}, func(run domain.Run) {
			exec(`UPDATE baseline_snapshots SET gap_count = gap_count + 1 WHERE operation_run_id = $1`, run.ID)
		}},
		{"backup_sets", "insert", "backup.schedule.execute", nil, func(run domain.Run) { newSet(run) }},
		{"backup_sets", "update", "backup.schedule.execute", func(run domain.Run) { newSet(run) }, func(run domain.Run) {
			exec(`UPDATE backup_sets SET status = 'failed' WHERE operation_run_id = $1`, run.ID)
		}},
		{"backup_items", "insert", "backup.schedule.execute", func(run domain.Run) { newSet(run) }, func(run domain.Run) {
			exec(`INSERT INTO backup_items (backup_set_id, policy_type, external_id, status)
				SELECT id, 'deviceConfiguration', 'x', 'captured' FROM backup_sets WHERE operation_run_id = $1`, run.ID)
		}},
		{"backup_items", "update", "backup.schedule.execute", func(run domain.Run) {
			prooftest.BackupItems(t, pool, newSet(run), "captured", "captured", 2)
		}, func(run domain.Run) {
			exec(`UPDATE backup_items SET status = 'failed'
				WHERE backup_set_id IN (SELECT id FROM backup_sets WHERE operation_run_id = $1)`, run.ID)
		}},
	}
	for _, c := range cases {
		t.Run(c.table+" "+c.op, func(t *testing.T) {
			run := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: &w.Env, Type: c.typ})
			if c.setup != nil {
				c.setup(run)
			}
			judged := prooftest.Get(t, pool, w.WS, run.ID)
			c.write(run)
			fresh := prooftest.Get(t, pool, w.WS, run.ID)
			require.True(t, fresh.UpdatedAt.After(judged.UpdatedAt), "the %s %s moved the run's updated_at", c.table, c.op)

			now := time.Now()
			res, err := repo.RunFinalizeOne(ctx, pool, finalizeParams(judged, domain.OutcomeFailed, now))
			require.NoError(t, err)
			require.Equal(t, repo.FinalizeChanged, res.Status, "a decision made before the proof write is not applied")
			require.Equal(t, domain.StatusRunning, prooftest.Get(t, pool, w.WS, run.ID).Status)

			res, err = repo.RunFinalizeOne(ctx, pool, finalizeParams(fresh, domain.OutcomeFailed, now))
			require.NoError(t, err)
			require.Equal(t, repo.FinalizeWritten, res.Status, "judged after the proof write, it is written")
		})
	}
}
