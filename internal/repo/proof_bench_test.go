package repo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/repo"
)

// plainSelectSQL reads the run rows themselves, as the sweeper's claim does:
// the floor that loading proof is compared with.
const plainSelectSQL = `SELECT r.id, r.workspace_id, r.managed_environment_id, e.name, r.type, r.status,
	r.outcome, r.initiator, r.context, r.summary_counts, r.failures, r.created_at,
	r.started_at, r.last_heartbeat_at, r.completed_at, r.updated_at
	FROM operation_runs r LEFT JOIN managed_environments e ON e.id = r.managed_environment_id
	WHERE r.id = ANY($1)`

func selectRuns(ctx context.Context, db repo.DBTX, ids []int64) ([]domain.Run, error) {
	rows, err := db.Query(ctx, plainSelectSQL, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	runs := make([]domain.Run, 0, len(ids))
	for rows.Next() {
		var r domain.Run
		if err := rows.Scan(&r.ID, &r.WorkspaceID, &r.EnvironmentID, &r.EnvironmentName, &r.Type, &r.Status,
			&r.Outcome, &r.Initiator, &r.Context, &r.SummaryCounts, &r.Failures, &r.CreatedAt,
			&r.StartedAt, &r.LastHeartbeatAt, &r.CompletedAt, &r.UpdatedAt); err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, rows.Err()
}

var kinds = map[string]proof.Kind{
	"inventory.sync":          proof.KindInventory,
	"baseline.capture":        proof.KindBaseline,
	"backup.schedule.execute": proof.KindBackup,
}

// BenchmarkLoadProof loads the proof of 1,000 stale runs of mixed families
// (realistic proof: 22 inventory items per inventory run, a snapshot per
// baseline run, a set of 10 items per backup run) and, alternating with it
// in the same loop so that machine noise hits both alike, a plain SELECT of
// the same 1,000 run rows. ns/op is one of each. It reports the queries and
// round trips of one proof load, runs/s of each, and their ratio.
func BenchmarkLoadProof(b *testing.B) {
	const batch = 1000
	ctx := context.Background()
	_, url := dbtest.NewWithURL(b)
	pool, counter := prooftest.CountingPool(b, url)
	w := prooftest.NewWorld(b, pool)
	ids := prooftest.SeedMixed(b, pool, w, batch)
	// A second world's runs and proof make the tables less trivially small.
	prooftest.SeedMixed(b, pool, prooftest.NewWorld(b, pool), 5*batch)
	_, err := pool.Exec(ctx, `ANALYZE`)
	require.NoError(b, err)
	runs, err := selectRuns(ctx, pool, ids)
	require.NoError(b, err)
	reqs := make([]proof.Request, len(runs))
	for i, r := range runs {
		reqs[i] = proof.Request{Run: r, Kind: kinds[r.Type]}
	}

	var selecting, loading time.Duration
	var loadQueries, loadRoundTrips int64
	for b.Loop() {
		start := time.Now()
		got, err := selectRuns(ctx, pool, ids)
		if err != nil || len(got) != batch {
			b.Fatalf("select: %d runs, %v", len(got), err)
		}
		selecting += time.Since(start)

		counter.Reset()
		start = time.Now()
		proofs, err := repo.ProofLoad(ctx, pool, reqs)
		if err != nil || len(proofs) != batch {
			b.Fatalf("load: %d proofs, %v", len(proofs), err)
		}
		loading += time.Since(start)
		loadQueries, loadRoundTrips = counter.Queries(), counter.RoundTrips()
	}
	n := float64(b.N)
	b.ReportMetric(float64(loadQueries), "queries/batch")
	b.ReportMetric(float64(loadRoundTrips), "roundtrips/batch")
	b.ReportMetric(batch*n/selecting.Seconds(), "select-runs/s")
	b.ReportMetric(batch*n/loading.Seconds(), "proof-runs/s")
	b.ReportMetric(selecting.Seconds()/loading.Seconds(), "proof/select-speed")
}
