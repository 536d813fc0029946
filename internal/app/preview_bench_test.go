package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/proof/prooftest"
)

// BenchmarkPreview times a sweep preview of 10,000 stale runs with
// realistic proof (90% supported families, 10% policy.sync) and, side by
// side on the same runs, a dry-run sweep pass (reconcile --stale
// --dry-run), alternating which goes first. It reports each one's time per
// pass and their ratio (preview / dry run). Run it with a fixed count, e.g.
// -benchtime=10x.
func BenchmarkPreview(b *testing.B) {
	const n = app.PreviewMaxRuns
	ctx := context.Background()
	pool := dbtest.New(b)
	w := prooftest.NewWorld(b, pool)
	addMembers(b, pool, w.WS)
	supported := n * 9 / 10
	prooftest.SeedMixed(b, pool, w, supported)
	_, err := pool.Exec(ctx, `INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, created_at, started_at)
		SELECT $1, $2, 'policy.sync', 'running', now() - interval '5 hours', now() - interval '5 hours'
		FROM generate_series(1, $3::int)`, w.WS, w.Env, n-supported)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, `VACUUM ANALYZE`)
	require.NoError(b, err)
	a, err := app.New(pool, app.Config{})
	require.NoError(b, err)

	preview := func() time.Duration {
		start := time.Now()
		p, err := a.Preview(ctx, app.PreviewRequest{WorkspaceID: w.WS, Subject: member})
		took := time.Since(start)
		require.NoError(b, err)
		require.Equal(b, n, p.Considered)
		require.False(b, p.Truncated)
		return took
	}
	dryRun := func() time.Duration {
		start := time.Now()
		res, err := a.Sweep(ctx, app.SweepOptions{WorkspaceID: &w.WS, DryRun: true})
		took := time.Since(start)
		require.NoError(b, err)
		require.Equal(b, n, res.Claimed)
		return took
	}
	preview() // warm both up: plans, caches
	dryRun()

	var previews, dryRuns time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			previews += preview()
			dryRuns += dryRun()
		} else {
			dryRuns += dryRun()
			previews += preview()
		}
	}
	b.ReportMetric(float64(previews.Milliseconds())/float64(b.N), "preview-ms/pass")
	b.ReportMetric(float64(dryRuns.Milliseconds())/float64(b.N), "dryrun-ms/pass")
	b.ReportMetric(previews.Seconds()/dryRuns.Seconds(), "ratio")
}
