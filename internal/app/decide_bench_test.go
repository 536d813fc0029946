package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
)

// BenchmarkDecideBatch measures what the sweeper spends per batch of 1,000
// stale runs of mixed families after claiming them: loading their proof and
// deciding every run. It reports queries per batch and runs/s.
func BenchmarkDecideBatch(b *testing.B) {
	const batch = 1000
	ctx := context.Background()
	_, url := dbtest.NewWithURL(b)
	pool, counter := prooftest.CountingPool(b, url)
	w := prooftest.NewWorld(b, pool)
	ids := prooftest.SeedMixed(b, pool, w, batch)
	runs := make([]domain.Run, len(ids))
	for i, id := range ids {
		runs[i] = prooftest.Get(b, pool, w.WS, id)
	}
	counter.Reset()
	b.ReportAllocs()
	start := time.Now()
	for range b.N {
		ds, err := app.Decide(ctx, pool, runs...)
		require.NoError(b, err)
		if ds[0].Kind != domain.DecisionFinalized {
			b.Fatalf("decision %s: %s", ds[0].Kind, ds[0].Explanation)
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(counter.Queries())/float64(b.N), "queries/batch")
	b.ReportMetric(float64(batch*b.N)/elapsed.Seconds(), "runs/s")
}
