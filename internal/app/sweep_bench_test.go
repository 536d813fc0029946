package app_test

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/proof/prooftest"
)

// floorSQL finalizes one keyset batch of a workspace's open runs without
// reading any proof: the fastest a sweep could possibly go. It returns how
// many runs it finalized and the last id.
const floorSQL = `WITH batch AS (
		SELECT id FROM operation_runs WHERE workspace_id = $1 AND status <> 'completed' AND id > $3
		ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED),
	done AS (
		UPDATE operation_runs r SET status = 'completed', outcome = 'failed', completed_at = now()
		FROM batch WHERE r.id = batch.id RETURNING r.id)
	SELECT count(*), coalesce(max(id), 0) FROM done`

// BenchmarkSweep seeds BENCH_SWEEP_RUNS (default 100,000) stale runs of mixed
// families with realistic proof (90% supported families, 10% policy.sync)
// and times one sweep over them; in the same run it times the floor, a raw
// batched UPDATE of as many stale runs of another workspace. Run it with
// -benchtime=1x (make bench-sweep). BENCH_SWEEP_WORKERS sets the sweeper's
// workers (default 2).
func BenchmarkSweep(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_SWEEP_RUNS")); err == nil && v > 0 {
		n = v
	}
	workers := 2
	if v, err := strconv.Atoi(os.Getenv("BENCH_SWEEP_WORKERS")); err == nil && v > 0 {
		workers = v
	}
	const batch = 1000
	ctx := context.Background()
	_, url := dbtest.NewWithURL(b)
	pool, counter := prooftest.CountingPool(b, url)

	b.StopTimer()
	for range b.N {
		swept := prooftest.NewWorld(b, pool)
		supported := n * 9 / 10
		prooftest.SeedMixed(b, pool, swept, supported)
		_, err := pool.Exec(ctx, `INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, created_at, started_at)
			SELECT $1, $2, 'policy.sync', 'running', now() - interval '5 hours', now() - interval '5 hours'
			FROM generate_series(1, $3::int)`, swept.WS, swept.Env, n-supported)
		require.NoError(b, err)
		floorWorld := prooftest.NewWorld(b, pool)
		_, err = pool.Exec(ctx, `INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, created_at, started_at)
			SELECT $1, $2, 'inventory.sync', 'running', now() - interval '5 hours', now() - interval '5 hours'
			FROM generate_series(1, $3::int)`, floorWorld.WS, floorWorld.Env, n)
		require.NoError(b, err)
		_, err = pool.Exec(ctx, `VACUUM ANALYZE`)
		require.NoError(b, err)

		s, err := app.New(pool, app.Config{SweepBatchSize: batch, SweepWorkers: workers})
		require.NoError(b, err)
		peak := watchHeap()
		counter.Reset()
		b.StartTimer()
		start := time.Now()
		res, err := s.Sweep(ctx, app.SweepOptions{WorkspaceID: &swept.WS})
		sweepTook := time.Since(start)
		b.StopTimer()
		peakHeap := peak()
		require.NoError(b, err)
		require.Equal(b, n, res.Finalized)
		queries, trips := counter.Queries(), counter.RoundTrips()

		start = time.Now()
		floorRows := 0
		for lastID := int64(0); ; {
			var rows int
			require.NoError(b, pool.QueryRow(ctx, floorSQL, floorWorld.WS, batch, lastID).Scan(&rows, &lastID))
			if rows == 0 {
				break
			}
			floorRows += rows
		}
		floorTook := time.Since(start)
		require.Equal(b, n, floorRows)

		sweepRate := float64(n) / sweepTook.Seconds()
		floorRate := float64(n) / floorTook.Seconds()
		b.ReportMetric(sweepRate, "sweep-runs/s")
		b.ReportMetric(floorRate, "floor-runs/s")
		b.ReportMetric(sweepRate/floorRate, "ratio")
		b.ReportMetric(float64(queries)/float64(res.Batches), "queries/batch")
		b.ReportMetric(float64(trips)/float64(res.Batches), "roundtrips/batch")
		b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
		b.Logf("%d runs, %d workers: sweep %v (%d batches), floor %v", n, workers, sweepTook, res.Batches, floorTook)
	}
	b.StartTimer()
}

// BenchmarkSweepExactlyOnce runs 3 sweepers at once over 50,000 stale runs
// with proof while a writer, as their jobs would, completes 5,000 of them
// itself, chosen at random and taken newest first, so that the sweepers
// (oldest first) meet it on its way, and checks with an audit trigger that every run
// went to completed exactly once and no completed run was written again. It
// reports the runs per second of the whole, and who completed how many.
func BenchmarkSweepExactlyOnce(b *testing.B) {
	const n, byWriter, sweepers = 50_000, 5_000, 3
	ctx := context.Background()
	_, url := dbtest.NewWithURL(b)
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(b, err)
	cfg.MaxConns = sweepers*2 + 2 // every worker and the writer hold a connection at once
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	installAudit(b, pool)

	b.StopTimer()
	for range b.N {
		_, err := pool.Exec(ctx, `TRUNCATE audit`)
		require.NoError(b, err)
		w := prooftest.NewWorld(b, pool)
		ids := prooftest.SeedMixed(b, pool, w, n)
		_, err = pool.Exec(ctx, `VACUUM ANALYZE`)
		require.NoError(b, err)
		mine := make([]int64, byWriter)
		for i, j := range rand.Perm(n)[:byWriter] {
			mine[i] = ids[j]
		}
		slices.Sort(mine)
		slices.Reverse(mine)

		start := make(chan struct{})
		var wg sync.WaitGroup
		results := make([]app.SweepResult, sweepers)
		errs := make([]error, sweepers+1)
		for i := range sweepers {
			s, err := app.New(pool, app.Config{SweepBatchSize: 1000})
			require.NoError(b, err)
			wg.Go(func() {
				<-start
				results[i], errs[i] = s.Sweep(ctx, app.SweepOptions{WorkspaceID: &w.WS})
			})
		}
		var writerWon int64
		wg.Go(func() {
			<-start
			for _, id := range mine {
				tag, err := pool.Exec(ctx, `UPDATE operation_runs SET status = 'completed', outcome = 'succeeded', completed_at = now()
					WHERE id = $1 AND status <> 'completed'`, id)
				if err != nil {
					errs[sweepers] = err
					return
				}
				writerWon += tag.RowsAffected()
			}
		})
		b.StartTimer()
		began := time.Now()
		close(start)
		wg.Wait()
		took := time.Since(began)
		b.StopTimer()
		for _, err := range errs {
			require.NoError(b, err)
		}

		swept, skipped := 0, 0
		for _, r := range results {
			swept += r.Finalized
			skipped += r.Skipped
		}
		completions, rewrites := auditCounts(b, pool)
		violations := rewrites
		for _, id := range ids {
			if completions[id] != 1 {
				violations++
			}
		}
		require.Zero(b, violations, "every run completed exactly once, none written again")
		require.Len(b, completions, n)
		require.Equal(b, int64(n), int64(swept)+writerWon, "the sweepers' and the writer's completions add up")

		b.ReportMetric(float64(n)/took.Seconds(), "runs/s")
		b.ReportMetric(float64(swept), "by-sweepers")
		b.ReportMetric(float64(writerWon), "by-writer")
		b.ReportMetric(float64(skipped), "skipped")
		b.ReportMetric(float64(violations), "violations")
		b.Logf("%d runs, %d sweepers of 2 workers, a writer completing %d: %v; sweepers finalized %v, the writer %d; every run completed exactly once",
			n, sweepers, byWriter, took.Round(time.Millisecond), finalizedBy(results), writerWon)
	}
	b.StartTimer()
}

func finalizedBy(rs []app.SweepResult) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.Finalized
	}
	return out
}

// watchHeap samples the Go heap until the returned func is called, which
// reports the largest heap seen.
func watchHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(stop); <-done; return peak.Load() }
}
