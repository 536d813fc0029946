package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
)

// Related links are checked set-based: a hub page asks the database once
// for the artifacts of all its runs, whatever their number, and a run's
// detail once. An artifact gone since the decision is no longer linked.
func TestRelatedLinksTakeOneQueryPerPage(t *testing.T) {
	_, url := dbtest.NewWithURL(t)
	pool, counter := prooftest.CountingPool(t, url)
	ctx := t.Context()
	w := prooftest.NewWorld(t, pool)
	addMembers(t, pool, w.WS)
	prooftest.SeedMixed(t, pool, w, 60)
	a := newApp(t, pool)
	res, err := a.Sweep(ctx, app.SweepOptions{WorkspaceID: &w.WS})
	require.NoError(t, err)
	require.Equal(t, 60, res.Finalized)

	list := func() app.RunList {
		t.Helper()
		counter.Reset()
		l, err := a.ListRuns(ctx, app.ListRunsRequest{WorkspaceID: w.WS, Subject: member, Limit: 50})
		require.NoError(t, err)
		require.Equal(t, int64(2), counter.Queries(), "the page, then its runs' artifacts")
		return l
	}
	artifact := func(run domain.Run) domain.Link {
		t.Helper()
		var id int64
		table := map[domain.Family]string{domain.FamilyBaselineCapture: "baseline_snapshots", domain.FamilyBackupScheduleExecute: "backup_sets"}[run.Family()]
		require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM `+table+` WHERE operation_run_id = $1`, run.ID).Scan(&id))
		rel := map[domain.Family]string{domain.FamilyBaselineCapture: domain.RelBaselineSnapshot, domain.FamilyBackupScheduleExecute: domain.RelBackupSet}[run.Family()]
		return domain.Link{Rel: rel, ID: id}
	}
	page := list()
	require.Len(t, page.Runs, 50)
	for _, run := range page.Runs {
		switch run.Family() {
		case domain.FamilyInventorySync:
			require.Equal(t, []domain.Link{{Rel: app.RelInventoryItems, ID: run.ID}}, run.Related, "run %d observed items", run.ID)
		default:
			require.Equal(t, []domain.Link{artifact(run.Run)}, run.Related, "run %d", run.ID)
		}
	}

	_, err = pool.Exec(ctx, `DELETE FROM baseline_snapshots WHERE workspace_id = $1`, w.WS)
	require.NoError(t, err)
	for _, run := range list().Runs {
		if run.Family() == domain.FamilyBaselineCapture {
			require.Empty(t, run.Related, "run %d: its snapshot is gone", run.ID)
		} else {
			require.Len(t, run.Related, 1, "run %d", run.ID)
		}
	}

	counter.Reset()
	d, err := a.GetRun(ctx, app.GetRunRequest{WorkspaceID: w.WS, RunID: page.Runs[0].ID, Subject: member})
	require.NoError(t, err)
	require.Equal(t, int64(2), counter.Queries())
	require.NotEmpty(t, d.Run.Related)

	// A page linking nothing costs no second query.
	fresh := prooftest.NewWorld(t, pool)
	addMembers(t, pool, fresh.WS)
	prooftest.InsertRun(t, pool, prooftest.Run{WS: fresh.WS, Env: &fresh.Env, Type: "policy.sync"})
	counter.Reset()
	_, err = a.ListRuns(ctx, app.ListRunsRequest{WorkspaceID: fresh.WS, Subject: member, Limit: 50})
	require.NoError(t, err)
	require.Equal(t, int64(1), counter.Queries())
}
