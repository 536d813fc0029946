package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// settled is how a run is settled: the outcome and reason code written.
type settled struct {
	family  domain.Family
	outcome domain.Outcome
	reason  string
}

// previewAs previews workspace ws for subject with a.
func previewAs(t *testing.T, a *app.App, ws int64, subject string) app.Preview {
	t.Helper()
	p, err := a.Preview(t.Context(), app.PreviewRequest{WorkspaceID: ws, Subject: subject})
	require.NoError(t, err)
	return p
}

// The preview agrees run for run with a dry-run reconcile of each sample,
// with a dry-run sweep, and with what a sweep pass then writes: the same
// decisions, outcomes and reason codes, counted alike.
func TestPreviewAgreesWithDryRunReconcileAndSweep(t *testing.T) {
	pool := dbtest.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	fix := seedFixture(t, pool, 9*12, now)
	a := newSweeper(t, pool, now, 7, 2) // batches that do not divide the runs
	ctx := t.Context()

	p := previewAs(t, a, fix.ws, "operator")
	require.Equal(t, fix.stale, p.Considered)
	require.False(t, p.Truncated)
	require.True(t, p.Now.Equal(now))
	counts := map[app.DecisionKey]int{}
	outcomes := map[settled]int{}
	total := 0
	for _, row := range p.Rows {
		total += row.Count
		counts[row.DecisionKey] += row.Count
		outcomes[settled{row.Family, row.Outcome, row.ReasonCode}] += row.Count
		require.NotEmpty(t, row.Samples)
		require.LessOrEqual(t, len(row.Samples), 5)
		for _, id := range row.Samples {
			run, err := repo.RunGet(ctx, pool, fix.ws, id)
			require.NoError(t, err)
			dry, err := a.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: fix.ws, RunID: id, Subject: "operator", DryRun: true})
			require.NoError(t, err)
			final := reconcile.StalePath(dry.Decision, run)
			require.Equal(t, row.Decision, dry.Decision.Kind, "run %d", id)
			require.Equal(t, row.Outcome, *final.Outcome, "run %d", id)
			require.Equal(t, row.ReasonCode, final.ReasonCode, "run %d", id)
			var c map[string]any
			require.NoError(t, json.Unmarshal(run.Context, &c))
			want := sweepCases[c["case"].(string)]
			require.Equal(t, want, expectation{string(row.Outcome), row.ReasonCode}, "run %d", id)
		}
	}
	require.Equal(t, fix.stale, total)
	require.Len(t, counts, 9, "one row per fixture case")

	dry, err := a.Sweep(ctx, app.SweepOptions{WorkspaceID: &fix.ws, DryRun: true})
	require.NoError(t, err)
	require.Equal(t, counts, dry.Counts, "a dry-run sweep counts the same")

	res, err := a.Sweep(ctx, app.SweepOptions{WorkspaceID: &fix.ws})
	require.NoError(t, err)
	require.Equal(t, fix.stale, res.Finalized)
	require.Equal(t, counts, res.Counts, "the sweep writes what the preview said")
	written := map[settled]int{}
	byID := map[int64]finalState{}
	for _, s := range readRuns(t, pool, fix.ws) {
		byID[s.id] = s
		if s.rec != nil {
			run, err := repo.RunGet(ctx, pool, fix.ws, s.id)
			require.NoError(t, err)
			written[settled{run.Family(), s.rec.Outcome, s.rec.ReasonCode}]++
		}
	}
	require.Equal(t, outcomes, written, "every run written as the preview said")
	for _, row := range p.Rows {
		for _, id := range row.Samples {
			require.Equal(t, string(row.Outcome), byID[id].outcome, "run %d", id)
			require.Equal(t, row.ReasonCode, byID[id].rec.ReasonCode, "run %d", id)
		}
	}
	require.Zero(t, previewAs(t, a, fix.ws, "operator").Considered, "nothing stale is left")
}

// A member granted one environment previews the stale runs of that
// environment only; a non-member and an environment it may not see are
// not found.
func TestPreviewSeesWhatTheMemberSees(t *testing.T) {
	b := setup(t)
	ctx := t.Context()
	w := b.w
	_, err := b.pool.Exec(ctx, `INSERT INTO workspace_members (workspace_id, subject, role, all_environments) VALUES ($1, 'scoped', 'readonly', false)`, w.WS)
	require.NoError(t, err)
	_, err = b.pool.Exec(ctx, `INSERT INTO member_environment_grants (workspace_id, subject, managed_environment_id) VALUES ($1, 'scoped', $2)`, w.WS, w.Env)
	require.NoError(t, err)
	mine := insertStale(t, b.pool, w.WS, &w.Env, 3)
	others := insertStale(t, b.pool, w.WS, &w.OtherEnv, 2)
	insertStale(t, b.pool, w.OtherWS, &w.OtherWSEnv, 4)

	require.Equal(t, len(mine), previewAs(t, b.app, w.WS, "scoped").Considered)
	require.Equal(t, len(mine)+len(others), previewAs(t, b.app, w.WS, member).Considered)
	for name, req := range map[string]app.PreviewRequest{
		"non-member":                 {WorkspaceID: w.WS, Subject: "stranger"},
		"ungranted environment":      {WorkspaceID: w.WS, Subject: "scoped", EnvironmentID: &w.OtherEnv},
		"another workspace's env":    {WorkspaceID: w.WS, Subject: member, EnvironmentID: &w.OtherWSEnv},
		"unknown environment":        {WorkspaceID: w.WS, Subject: member, EnvironmentID: new(w.OtherWSEnv + 100)},
		"unknown workspace":          {WorkspaceID: w.OtherWS + 100, Subject: member},
		"member elsewhere, not here": {WorkspaceID: w.OtherWS, Subject: "scoped"},
	} {
		_, err := b.app.Preview(ctx, req)
		require.ErrorIs(t, err, domain.ErrNotFound, name)
	}
}

// insertStale inserts n stale policy.sync runs in (ws, env) and returns
// their ids.
func insertStale(t testing.TB, pool *pgxpool.Pool, ws int64, env *int64, n int) []int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), `INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, created_at, started_at)
		SELECT $1, $2, 'policy.sync', 'running', now() - interval '5 hours', now() - interval '5 hours'
		FROM generate_series(1, $3::int) RETURNING id`, ws, env, n)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)
	return ids
}

// At most 10,000 stale runs are judged, the first by id, and the preview
// says there were more.
func TestPreviewJudgesAtMost10000Runs(t *testing.T) {
	b := setup(t)
	ids := insertStale(t, b.pool, b.w.WS, &b.w.Env, app.PreviewMaxRuns+1)
	p := previewAs(t, b.app, b.w.WS, member)
	require.True(t, p.Truncated)
	require.Equal(t, app.PreviewMaxRuns, p.Considered)
	require.Len(t, p.Rows, 1)
	require.Equal(t, app.PreviewMaxRuns, p.Rows[0].Count)
	require.Equal(t, ids[:5], p.Rows[0].Samples)

	_, err := b.pool.Exec(t.Context(), `UPDATE operation_runs SET status = 'completed', outcome = 'failed', completed_at = now() WHERE id = $1`, ids[0])
	require.NoError(t, err)
	p = previewAs(t, b.app, b.w.WS, member)
	require.False(t, p.Truncated, "exactly 10,000 left")
	require.Equal(t, app.PreviewMaxRuns, p.Considered)
}

// The preview takes no row lock: while it is under way, another
// transaction locks its runs with FOR UPDATE NOWAIT and holds them until
// the preview is done, which it gets done without waiting; nor does it wait
// for a lock a sweeper already holds. Nothing is written.
func TestPreviewTakesNoRowLock(t *testing.T) {
	b := setup(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // a preview waiting on a lock fails here rather than hanging
	defer cancel()
	ids := insertStale(t, b.pool, b.w.WS, &b.w.Env, 50)
	before := updatedAt(t, b.pool, ids)

	a := newApp(t, b.pool)
	var held pgx.Tx
	hooked := false
	app.SetAfterPreviewRead(a, func(_ context.Context, runs []domain.Run) {
		hooked = true
		require.Len(t, runs, len(ids))
		var err error
		held, err = b.pool.Begin(ctx)
		require.NoError(t, err)
		rows, err := held.Query(ctx, `SELECT id FROM operation_runs WHERE id = ANY($1) ORDER BY id FOR UPDATE NOWAIT`, ids)
		require.NoError(t, err)
		locked, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(t, err, "the preview holds no lock on its runs")
		require.Equal(t, ids, locked)
	})
	p, err := a.Preview(ctx, app.PreviewRequest{WorkspaceID: b.w.WS, Subject: member})
	require.NoError(t, err, "the preview decides while another transaction holds its runs")
	require.True(t, hooked)
	require.Equal(t, len(ids), p.Considered)
	require.NoError(t, held.Rollback(ctx))

	// A sweeper holding the runs does not hold up the preview either.
	sweeper, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	defer sweeper.Rollback(context.Background()) // rolled back below; this one only covers a failure
	_, err = sweeper.Exec(ctx, `SELECT id FROM operation_runs WHERE id = ANY($1) FOR UPDATE`, ids)
	require.NoError(t, err)
	p, err = b.app.Preview(ctx, app.PreviewRequest{WorkspaceID: b.w.WS, Subject: member})
	require.NoError(t, err)
	require.Equal(t, len(ids), p.Considered)
	require.NoError(t, sweeper.Rollback(ctx))
	require.Equal(t, before, updatedAt(t, b.pool, ids), "nothing written")
}

// updatedAt returns the updated_at of runs ids.
func updatedAt(t testing.TB, pool *pgxpool.Pool, ids []int64) map[int64]time.Time {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT id, updated_at FROM operation_runs WHERE id = ANY($1)`, ids)
	require.NoError(t, err)
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var at time.Time
		require.NoError(t, rows.Scan(&id, &at))
		out[id] = at
	}
	require.NoError(t, rows.Err())
	require.Len(t, out, len(ids))
	return out
}
