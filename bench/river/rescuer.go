package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// riverDB is the database each River round creates afresh on the benchmark's
// cluster, so that no earlier leader, job or dead tuple is left over.
const riverDB = "runproof_bench_river"

// stuckFor is how long ago the seeded jobs were attempted; rescueAfter is far
// below it, so every seeded job is stuck from the rescuer's first pass on.
const (
	stuckFor    = 5 * time.Hour
	rescueAfter = time.Minute
)

// stuckArgs is the kind of the seeded jobs. Its worker is registered so that
// the rescuer takes its ordinary decision path (an unknown kind is discarded
// with an error logged per job); it is never called, because rescued jobs are
// discarded, never made available again.
type stuckArgs struct{}

func (stuckArgs) Kind() string { return "bench_stuck" }

type stuckWorker struct {
	river.WorkerDefaults[stuckArgs]
}

func (stuckWorker) Work(context.Context, *river.Job[stuckArgs]) error { return nil }

// riverResult is one River round: the rescuer's statement time and the time
// from its first statement until the last stuck job left the running state.
type riverResult struct {
	working, endToEnd time.Duration
	// untilFirst is the time from the client's Start to the rescuer's first
	// statement: election, the maintainer's start-up stagger and so on.
	untilFirst time.Duration
	statements int
}

// runRiver creates River's schema in a fresh database, seeds n jobs stuck in
// the running state and lets River's own rescuer, run by a client that is
// the only one and so elected leader at once, rescue all of them.
func runRiver(ctx context.Context, serverURL string, n int) (riverResult, error) {
	dbURL, err := withDatabase(serverURL, riverDB)
	if err != nil {
		return riverResult{}, err
	}
	if err := recreateDatabase(ctx, serverURL, riverDB); err != nil {
		return riverResult{}, err
	}
	defer func() {
		dropCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := dropDatabase(dropCtx, serverURL, riverDB); err != nil {
			fmt.Fprintln(os.Stderr, "benchsweep: drop River database:", err)
		}
	}()

	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return riverResult{}, err
	}
	tracer := newRescuerTracer()
	cfg.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return riverResult{}, err
	}
	defer pool.Close()

	driver := riverpgxv5.New(pool)
	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		return riverResult{}, err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return riverResult{}, fmt.Errorf("migrate River's schema: %w", err)
	}
	// One attempt allowed and used: the rescuer discards the job, a final
	// state, as runproof's sweep finalizes a run.
	if _, err := pool.Exec(ctx, `INSERT INTO river_job (state, attempt, max_attempts, attempted_at, attempted_by, created_at, scheduled_at, args, kind, queue)
		SELECT 'running', 1, 1, now() - $2::interval, '{bench-worker}', now() - $2::interval, now() - $2::interval, '{}', $3, 'default'
		FROM generate_series(1, $1::int)`, n, stuckFor, stuckArgs{}.Kind()); err != nil {
		return riverResult{}, fmt.Errorf("seed stuck jobs: %w", err)
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE river_job`); err != nil {
		return riverResult{}, err
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, stuckWorker{})
	client, err := river.NewClient(driver, &river.Config{
		Logger:               slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		RescueStuckJobsAfter: rescueAfter,
		Workers:              workers,
	})
	if err != nil {
		return riverResult{}, err
	}
	tracer.arm()
	start := time.Now()
	if err := client.Start(ctx); err != nil {
		return riverResult{}, fmt.Errorf("start River client: %w", err)
	}
	var passErr error
	select {
	case <-tracer.passDone:
	case <-ctx.Done():
		passErr = fmt.Errorf("River's rescuer did not finish a pass: %w", ctx.Err())
	}
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := client.Stop(stopCtx); err != nil && passErr == nil {
		passErr = fmt.Errorf("stop River client: %w", err)
	}
	if passErr != nil {
		return riverResult{}, passErr
	}

	s := tracer.summary()
	if s.err != nil {
		return riverResult{}, s.err
	}
	var stuck int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'running'`).Scan(&stuck); err != nil {
		return riverResult{}, err
	}
	if stuck != 0 || s.rescued != int64(n) {
		return riverResult{}, fmt.Errorf("River's rescuer rescued %d of %d jobs in its pass; %d still running", s.rescued, n, stuck)
	}
	return riverResult{
		working:    s.working,
		endToEnd:   s.lastRescue.Sub(s.first),
		untilFirst: s.first.Sub(start),
		statements: s.statements,
	}, nil
}

// rescuerTracer is a pgx.QueryTracer that times the rescuer's two
// statements (fetch a batch of stuck jobs, rescue them) and ignores every
// other statement the client runs. It closes passDone when the rescuer's
// pass ends: after a fetch that found nothing, or after the rescue of a batch
// smaller than the fetch asked for.
type rescuerTracer struct {
	passDone chan struct{}

	mu         sync.Mutex
	armed      bool
	closed     bool
	lastBatch  bool
	first      time.Time
	lastRescue time.Time
	working    time.Duration
	statements int
	rescued    int64
	err        error
}

type tracerSummary struct {
	first, lastRescue time.Time
	working           time.Duration
	statements        int
	rescued           int64
	err               error
}

type rescuerSpanKey struct{}

type rescuerSpan struct {
	fetch bool
	limit int64
	start time.Time
}

func newRescuerTracer() *rescuerTracer {
	return &rescuerTracer{passDone: make(chan struct{})}
}

// arm starts timing; statements before it (migrations, seeding) are not the
// rescuer's.
func (t *rescuerTracer) arm() {
	t.mu.Lock()
	t.armed = true
	t.mu.Unlock()
}

// River's queries carry their sqlc name in a leading comment.
const (
	fetchName  = "-- name: JobGetStuck "
	rescueName = "-- name: JobRescueMany "
)

func (t *rescuerTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	span := &rescuerSpan{fetch: strings.Contains(data.SQL, fetchName)}
	if !span.fetch && !strings.Contains(data.SQL, rescueName) {
		return ctx
	}
	if span.fetch {
		// JobGetStuck's third argument is its LIMIT.
		if len(data.Args) == 3 {
			switch v := data.Args[2].(type) {
			case int32:
				span.limit = int64(v)
			case int:
				span.limit = int64(v)
			case int64:
				span.limit = v
			}
		}
		if span.limit == 0 {
			t.fail(fmt.Errorf("JobGetStuck arguments %#v: no LIMIT found", data.Args))
		}
	}
	span.start = time.Now()
	return context.WithValue(ctx, rescuerSpanKey{}, span)
}

func (t *rescuerTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	span, ok := ctx.Value(rescuerSpanKey{}).(*rescuerSpan)
	if !ok {
		return
	}
	end := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.armed || t.closed {
		return
	}
	if data.Err != nil {
		t.failLocked(fmt.Errorf("rescuer statement failed: %w", data.Err))
		return
	}
	if t.first.IsZero() {
		t.first = span.start
	}
	t.working += end.Sub(span.start)
	t.statements++
	if !span.fetch {
		t.rescued += data.CommandTag.RowsAffected()
		t.lastRescue = end
		if t.lastBatch {
			t.closeLocked()
		}
		return
	}
	switch fetched := data.CommandTag.RowsAffected(); {
	case fetched == 0:
		t.closeLocked()
	case fetched < span.limit:
		t.lastBatch = true
	}
}

func (t *rescuerTracer) closeLocked() {
	t.closed = true
	close(t.passDone)
}

func (t *rescuerTracer) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failLocked(err)
}

func (t *rescuerTracer) failLocked(err error) {
	if t.closed {
		return
	}
	t.err = err
	t.closeLocked()
}

func (t *rescuerTracer) summary() tracerSummary {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := tracerSummary{first: t.first, lastRescue: t.lastRescue, working: t.working, statements: t.statements, rescued: t.rescued, err: t.err}
	if s.err == nil && s.lastRescue.IsZero() {
		s.err = errors.New("River's rescuer rescued nothing")
	}
	return s
}

// withDatabase returns serverURL pointing at database name instead.
func withDatabase(serverURL, name string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func recreateDatabase(ctx context.Context, serverURL, name string) error {
	if err := dropDatabase(ctx, serverURL, name); err != nil {
		return err
	}
	return adminExec(ctx, serverURL, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize())
}

func dropDatabase(ctx context.Context, serverURL, name string) error {
	return adminExec(ctx, serverURL, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`)
}

func adminExec(ctx context.Context, serverURL, sql string) error {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}
