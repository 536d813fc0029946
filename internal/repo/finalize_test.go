package repo_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/repo"
)

func finalizeParams(run domain.Run, outcome domain.Outcome, now time.Time) repo.FinalizeParams {
	return repo.FinalizeParams{
		RunID:         run.ID,
		SeenUpdatedAt: run.UpdatedAt,
		Outcome:       outcome,
		CompletedAt:   now,
		SummaryCounts: map[string]int64{"captured": 3, "expected": 5},
		Reconciliation: domain.Reconciliation{
			Decision: "finalized", Outcome: outcome, ReasonCode: "backup.partial",
			Explanation: "Backup partly captured: backup set 55 holds 3 of 5 expected items.",
			Proof:       map[string]any{"captured": 3},
			Links:       []domain.Link{{Rel: "backup_set", ID: 55}},
			Source:      "manual", Actor: "alice", Adapter: "backup.schedule.execute/v1",
			PreviousStatus: run.Status, ReconciledAt: now, Note: "checked with the customer",
		},
	}
}

func TestRunFinalizeWritesDecisionInOneStatement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	w := prooftest.NewWorld(t, pool)
	run := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: &w.Env, Type: "backup.schedule.execute",
		Context: `{"backup_set_id": 55, "job": "kept"}`})
	_, err := pool.Exec(ctx, `UPDATE operation_runs SET summary_counts = '{"job_counter": 7, "captured": 1}' WHERE id = $1`, run.ID)
	require.NoError(t, err)
	run = prooftest.Get(t, pool, w.WS, run.ID)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	before := prooftest.RunUpdates(t, tx)
	res, err := repo.RunFinalizeOne(ctx, tx, finalizeParams(run, "partially_succeeded", now))
	require.NoError(t, err)
	require.Equal(t, repo.FinalizeWritten, res.Status)
	require.Equal(t, int64(1), prooftest.RunUpdates(t, tx)-before, "status, outcome, times, counts and reconciliation in one UPDATE")
	require.NoError(t, tx.Commit(ctx))
	got := prooftest.Get(t, pool, w.WS, run.ID)
	require.Equal(t, domain.StatusCompleted, got.Status)
	require.Equal(t, domain.OutcomePartiallySucceeded, got.Outcome)
	require.True(t, got.CompletedAt.Equal(now))
	require.True(t, got.UpdatedAt.After(run.UpdatedAt))
	require.JSONEq(t, `{"job_counter": 7, "captured": 3, "expected": 5}`, string(got.SummaryCounts),
		"the decision's figures are merged over the job's")

	var ctxObj struct {
		BackupSetID    int64                 `json:"backup_set_id"`
		Job            string                `json:"job"`
		Reconciliation domain.Reconciliation `json:"reconciliation"`
	}
	require.NoError(t, json.Unmarshal(got.Context, &ctxObj))
	require.Equal(t, int64(55), ctxObj.BackupSetID)
	require.Equal(t, "kept", ctxObj.Job)
	rec := ctxObj.Reconciliation
	require.Equal(t, domain.DecisionFinalized, rec.Decision)
	require.Equal(t, domain.OutcomePartiallySucceeded, rec.Outcome)
	require.Equal(t, "backup.partial", rec.ReasonCode)
	require.Equal(t, domain.SourceManual, rec.Source)
	require.Equal(t, "alice", rec.Actor)
	require.Equal(t, "backup.schedule.execute/v1", rec.Adapter)
	require.Equal(t, domain.StatusRunning, rec.PreviousStatus)
	require.Equal(t, "checked with the customer", rec.Note)
	require.True(t, rec.ReconciledAt.Equal(now))
	require.Equal(t, []domain.Link{{Rel: "backup_set", ID: 55}}, rec.Links)
	require.Equal(t, map[string]any{"captured": float64(3)}, rec.Proof)
}

func TestRunFinalizeReportsWhatBeatTheGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	w := prooftest.NewWorld(t, pool)
	now := time.Now()
	newRun := func() domain.Run {
		return prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: &w.Env, Type: "inventory.sync"})
	}

	t.Run("completed by its job meanwhile", func(t *testing.T) {
		run := newRun()
		_, err := pool.Exec(ctx, `UPDATE operation_runs SET status = 'completed', outcome = 'succeeded', completed_at = now() WHERE id = $1`, run.ID)
		require.NoError(t, err)
		res, err := repo.RunFinalizeOne(ctx, pool, finalizeParams(run, "failed", now))
		require.NoError(t, err)
		require.Equal(t, repo.FinalizeAlreadyCompleted, res.Status)
		require.Equal(t, domain.OutcomeSucceeded, res.Run.Outcome)
		require.NotContains(t, string(res.Run.Context), "reconciliation")
	})
	t.Run("completed, read after it completed", func(t *testing.T) {
		// The guard on updated_at holds; only status <> 'completed' refuses.
		run := newRun()
		_, err := pool.Exec(ctx, `UPDATE operation_runs SET status = 'completed', outcome = 'succeeded', completed_at = now() WHERE id = $1`, run.ID)
		require.NoError(t, err)
		run = prooftest.Get(t, pool, w.WS, run.ID)
		res, err := repo.RunFinalizeOne(ctx, pool, finalizeParams(run, "failed", now))
		require.NoError(t, err)
		require.Equal(t, repo.FinalizeAlreadyCompleted, res.Status)
		got := prooftest.Get(t, pool, w.WS, run.ID)
		require.Equal(t, domain.OutcomeSucceeded, got.Outcome)
		require.Equal(t, run.UpdatedAt, got.UpdatedAt, "not written")
	})
	t.Run("changed but open", func(t *testing.T) {
		run := newRun()
		_, err := pool.Exec(ctx, `UPDATE operation_runs SET last_heartbeat_at = now() WHERE id = $1`, run.ID)
		require.NoError(t, err)
		res, err := repo.RunFinalizeOne(ctx, pool, finalizeParams(run, "failed", now))
		require.NoError(t, err)
		require.Equal(t, repo.FinalizeChanged, res.Status)
		require.Equal(t, domain.StatusRunning, res.Run.Status)
		require.True(t, res.Run.UpdatedAt.After(run.UpdatedAt))
	})
	t.Run("gone", func(t *testing.T) {
		run := newRun()
		_, err := pool.Exec(ctx, `DELETE FROM operation_runs WHERE id = $1`, run.ID)
		require.NoError(t, err)
		res, err := repo.RunFinalizeOne(ctx, pool, finalizeParams(run, "failed", now))
		require.NoError(t, err)
		require.Equal(t, repo.FinalizeGone, res.Status)
	})
	t.Run("written once, then already completed", func(t *testing.T) {
		run := newRun()
		first, err := repo.RunFinalizeOne(ctx, pool, finalizeParams(run, "failed", now))
		require.NoError(t, err)
		require.Equal(t, repo.FinalizeWritten, first.Status)
		again, err := repo.RunFinalizeOne(ctx, pool, finalizeParams(run, "succeeded", now))
		require.NoError(t, err)
		require.Equal(t, repo.FinalizeAlreadyCompleted, again.Status)
		require.Equal(t, domain.OutcomeFailed, again.Run.Outcome)
	})
	t.Run("not a terminal outcome", func(t *testing.T) {
		run := newRun()
		_, err := repo.RunFinalizeOne(ctx, pool, finalizeParams(run, "pending", now))
		require.ErrorContains(t, err, "check constraint")
		require.Equal(t, domain.StatusRunning, prooftest.Get(t, pool, w.WS, run.ID).Status)
	})
}

func TestRunFinalizeBatchAppliesTheGuardPerRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	w := prooftest.NewWorld(t, pool)
	now := time.Now()
	var runs []domain.Run
	for range 4 {
		runs = append(runs, prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: &w.Env, Type: "policy.sync"}))
	}
	_, err := pool.Exec(ctx, `UPDATE operation_runs SET status = 'completed', outcome = 'cancelled', completed_at = now() WHERE id = $1`, runs[1].ID)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE operation_runs SET last_heartbeat_at = now() WHERE id = $1`, runs[2].ID)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `DELETE FROM operation_runs WHERE id = $1`, runs[3].ID)
	require.NoError(t, err)

	ps := make([]repo.FinalizeParams, len(runs))
	for i, r := range runs {
		ps[i] = finalizeParams(r, "failed", now)
	}
	res, err := repo.RunFinalizeBatch(ctx, pool, ps)
	require.NoError(t, err)
	want := []repo.FinalizeStatus{repo.FinalizeWritten, repo.FinalizeAlreadyCompleted, repo.FinalizeChanged, repo.FinalizeGone}
	for i := range runs {
		require.Equal(t, runs[i].ID, res[i].RunID)
		require.Equal(t, want[i], res[i].Status, "run %d", i)
	}
	require.Equal(t, domain.OutcomeCancelled, prooftest.Get(t, pool, w.WS, runs[1].ID).Outcome)
	require.Equal(t, domain.StatusRunning, prooftest.Get(t, pool, w.WS, runs[2].ID).Status)

	_, err = repo.RunFinalizeBatch(ctx, pool, []repo.FinalizeParams{ps[0], ps[0]})
	require.ErrorContains(t, err, "given twice")
	empty, err := repo.RunFinalizeBatch(ctx, pool, nil)
	require.NoError(t, err)
	require.Empty(t, empty)
}

// RunFinalizeOne goes through the batch's statement and, when it writes,
// returns the written row as a read would give it, in that one statement.
// RunFinalizeBatch returns the ids only.
func TestRunFinalizeOneReturnsTheWrittenRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := dbtest.NewWithURL(t)
	pool, counter := prooftest.CountingPool(t, url)
	w := prooftest.NewWorld(t, pool)
	run := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: &w.Env, Type: "backup.schedule.execute",
		Context: `{"backup_set_id": 55}`, Failures: `[{"code": "graph_forbidden"}]`})
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	counter.Reset()
	res, err := repo.RunFinalizeOne(ctx, pool, finalizeParams(run, domain.OutcomePartiallySucceeded, now))
	require.NoError(t, err)
	require.Equal(t, int64(1), counter.Queries(), "written and returned by one statement")
	require.Equal(t, repo.FinalizeWritten, res.Status)
	require.Equal(t, run.ID, res.RunID)
	require.Equal(t, prooftest.Get(t, pool, w.WS, run.ID), res.Run)
	require.Equal(t, "prod", *res.Run.EnvironmentName)
	require.Equal(t, domain.OutcomePartiallySucceeded, res.Run.Outcome)
	prooftest.RequireReconciliationKeys(t, res.Run.Context)

	other := prooftest.InsertRun(t, pool, prooftest.Run{WS: w.WS, Env: &w.Env, Type: "policy.sync"})
	batch, err := repo.RunFinalizeBatch(ctx, pool, []repo.FinalizeParams{finalizeParams(other, domain.OutcomeFailed, now)})
	require.NoError(t, err)
	require.Equal(t, []repo.FinalizeResult{{RunID: other.ID, Status: repo.FinalizeWritten}}, batch)
}
