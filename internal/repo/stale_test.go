package repo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

var thresholds = repo.StaleThresholds{
	Queued:          15 * time.Minute,
	RunningFamilies: []string{"inventory.sync", "backup.schedule.execute"},
	RunningAfter:    []time.Duration{30 * time.Minute, 60 * time.Minute},
	RunningDefault:  60 * time.Minute,
}

type staleFixture struct {
	ws, otherWS int64
	stale       []int64 // in ws, ascending; every other run is not stale
}

func seedStale(t *testing.T, db repo.DBTX, now time.Time) staleFixture {
	t.Helper()
	ctx := context.Background()
	var f staleFixture
	f.ws = newWorkspace(t, db, "w")
	f.otherWS = newWorkspace(t, db, "o")
	insert := func(ws int64, typ, status string, created, started, heartbeat *time.Time) int64 {
		var id int64
		require.NoError(t, db.QueryRow(ctx, `insert into operation_runs (workspace_id, type, status, created_at, started_at, last_heartbeat_at)
			values ($1, $2, $3, $4, $5, $6) returning id`, ws, typ, status, created, started, heartbeat).Scan(&id))
		return id
	}
	ago := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	// Stale: queued past 15m; running past the family's threshold, measured
	// from the latest of heartbeat/start/creation that is set.
	f.stale = append(f.stale,
		insert(f.ws, "inventory.sync", "queued", ago(16*time.Minute), nil, nil),
		insert(f.ws, "inventory.sync", "running", ago(5*time.Hour), ago(4*time.Hour), ago(31*time.Minute)),
		insert(f.ws, "inventory_sync", "running", ago(5*time.Hour), ago(31*time.Minute), nil),
		insert(f.ws, "backup.schedule.execute", "running", ago(61*time.Minute), nil, nil),
		insert(f.ws, "policy.sync", "running", ago(5*time.Hour), ago(5*time.Hour), ago(61*time.Minute)),
	)
	// Not stale: just inside each threshold, and completed.
	insert(f.ws, "inventory.sync", "queued", ago(14*time.Minute), nil, nil)
	insert(f.ws, "inventory.sync", "running", ago(5*time.Hour), ago(5*time.Hour), ago(29*time.Minute))
	insert(f.ws, "backup.schedule.execute", "running", ago(5*time.Hour), ago(59*time.Minute), nil)
	insert(f.ws, "policy.sync", "running", ago(5*time.Hour), ago(5*time.Hour), ago(59*time.Minute))
	_, err := db.Exec(ctx, `insert into operation_runs (workspace_id, type, status, outcome, created_at, completed_at)
		values ($1, 'inventory.sync', 'completed', 'failed', $2, $2)`, f.ws, ago(10*time.Hour))
	require.NoError(t, err)
	insert(f.otherWS, "inventory.sync", "queued", ago(time.Hour), nil, nil) // stale, in another workspace
	return f
}

func ids(runs []domain.Run) []int64 {
	out := make([]int64, 0, len(runs))
	for _, r := range runs {
		out = append(out, r.ID)
	}
	return out
}

func TestRunClaimStaleAppliesPerFamilyThresholds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedStale(t, pool, now)

	runs, err := repo.RunClaimStale(ctx, pool, repo.RunClaimStaleParams{Thresholds: thresholds, Now: now, WorkspaceID: &f.ws, Limit: 100})
	require.NoError(t, err)
	require.Equal(t, f.stale, ids(runs))

	all, err := repo.RunClaimStale(ctx, pool, repo.RunClaimStaleParams{Thresholds: thresholds, Now: now, Limit: 100})
	require.NoError(t, err)
	require.Len(t, all, len(f.stale)+1, "other workspace included without the filter")

	n, err := repo.RunCountStale(ctx, pool, thresholds, now)
	require.NoError(t, err)
	require.EqualValues(t, len(f.stale)+1, n)

	// Keyset: a batch of 2 after the first stale id.
	page, err := repo.RunClaimStale(ctx, pool, repo.RunClaimStaleParams{Thresholds: thresholds, Now: now, WorkspaceID: &f.ws, AfterID: f.stale[0], Limit: 2})
	require.NoError(t, err)
	require.Equal(t, f.stale[1:3], ids(page))
}

func TestRunClaimStaleSkipsLockedRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	now := time.Now()
	f := seedStale(t, pool, now)
	p := repo.RunClaimStaleParams{Thresholds: thresholds, Now: now, WorkspaceID: &f.ws, Limit: 2}

	tx1, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx1.Rollback(ctx)
	first, err := repo.RunClaimStale(ctx, tx1, p)
	require.NoError(t, err)
	require.Equal(t, f.stale[:2], ids(first))

	tx2, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx2.Rollback(ctx)
	_, err = tx2.Exec(ctx, `SET LOCAL lock_timeout = '5s'`) // a claim that waited would fail, not hang
	require.NoError(t, err)
	second, err := repo.RunClaimStale(ctx, tx2, p)
	require.NoError(t, err)
	require.Equal(t, f.stale[2:4], ids(second), "a second sweeper skips the rows the first holds")
}

// A family named with a quote and a backslash gets its own threshold in the
// hub's stale filter, which spells the thresholds as literals.
func TestHubStaleFilterQuotesFamilies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "w")
	_, err := pool.Exec(ctx, `insert into workspace_members (workspace_id, subject, role) values ($1, 'owner', 'owner')`, ws)
	require.NoError(t, err)
	const family = `o'brien\sync`
	now := time.Now()
	var id int64
	require.NoError(t, pool.QueryRow(ctx, `insert into operation_runs (workspace_id, type, status, created_at, started_at)
		values ($1, $2, 'running', $3, $3) returning id`, ws, family, now.Add(-2*time.Hour)).Scan(&id))

	for _, c := range []struct {
		after time.Duration
		stale bool
	}{{time.Hour, true}, {3 * time.Hour, false}} {
		th := repo.StaleThresholds{Queued: time.Hour, RunningFamilies: []string{family}, RunningAfter: []time.Duration{c.after},
			RunningDefault: 10 * time.Hour}
		var page repo.RunPage
		_, err := repo.RunListForMember(ctx, pool, repo.RunListParams{WorkspaceID: ws, Subject: "owner", Stale: new(true),
			Thresholds: th, Now: now, Limit: 10}, &page)
		require.NoError(t, err)
		require.Equal(t, c.stale, len(page.Runs) == 1, "threshold %v", c.after)
	}
}
