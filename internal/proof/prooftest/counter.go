package prooftest

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// Counter counts the statements a pool runs and the round trips they take
// (a batch is one round trip however many statements it holds).
type Counter struct {
	queries, roundTrips atomic.Int64
}

// Queries returns the number of statements run so far.
func (c *Counter) Queries() int64 { return c.queries.Load() }

// RoundTrips returns the number of round trips so far.
func (c *Counter) RoundTrips() int64 { return c.roundTrips.Load() }

// Reset sets both counts to zero.
func (c *Counter) Reset() { c.queries.Store(0); c.roundTrips.Store(0) }

// TraceQueryStart counts a Query, QueryRow or Exec.
func (c *Counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.queries.Add(1)
	c.roundTrips.Add(1)
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (c *Counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart counts a batch's round trip.
func (c *Counter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.roundTrips.Add(1)
	return ctx
}

// TraceBatchQuery counts a statement of a batch.
func (c *Counter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	c.queries.Add(1)
}

// TraceBatchEnd implements pgx.BatchTracer.
func (c *Counter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// CountingPool opens a second pool on databaseURL whose statements c counts;
// it is closed when the test ends.
func CountingPool(t testing.TB, databaseURL string) (*pgxpool.Pool, *Counter) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(databaseURL)
	require.NoError(t, err)
	c := &Counter{}
	cfg.ConnConfig.Tracer = c
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool, c
}
