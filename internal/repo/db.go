// Package repo is runproof's PostgreSQL data layer: connections,
// transactions, migrations and every SQL statement the service runs. The
// statements are written in queries/*.sql and generated into typed Go by
// sqlc (make generate) in internal/sqlcdb, all but the hub's (hub.go says
// why); repo maps their rows to domain types. Nothing above it imports pgx.
package repo

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/runproof/runproof/migrations"
)

// DBTX is what the queries run on: a pool, a connection or a transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// PoolOptions tune the pool Connect opens; zero values keep PostgreSQL's
// defaults.
type PoolOptions struct {
	// StatementTimeout bounds every statement, and every lock wait, on the
	// pool's connections (statement_timeout and lock_timeout); 0 is no limit.
	// A transaction needing longer raises it with SET LOCAL.
	StatementTimeout time.Duration
	// Log receives a line when database operations start failing as
	// unavailable and one when the database answers again, with the count
	// of failures in between; nil logs nothing.
	Log *slog.Logger
}

// cancelGrace is how long a cancelled operation waits for PostgreSQL to
// acknowledge the cancel request before its connection is closed instead:
// a frozen server cannot hold a caller past its deadline longer than this.
const cancelGrace = 250 * time.Millisecond

// Connect opens a pool to databaseURL and checks that the database answers.
// An operation whose context ends is cancelled on the server too (a cancel
// request), so a request that gives up stops its database work with it.
func Connect(ctx context.Context, databaseURL string, opts PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	if opts.StatementTimeout > 0 {
		ms := strconv.FormatInt(max(opts.StatementTimeout.Milliseconds(), 1), 10)
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = ms
		cfg.ConnConfig.RuntimeParams["lock_timeout"] = ms
	}
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: cancelGrace}
	}
	if opts.Log != nil {
		cfg.ConnConfig.Tracer = &outageLog{log: opts.Log}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", redact(cfg.ConnConfig), err)
	}
	return pool, nil
}

func redact(c *pgx.ConnConfig) string {
	return fmt.Sprintf("postgres://%s@%s/%s", c.User, net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port))), c.Database)
}

// Migrator applies runproof's embedded goose migrations.
type Migrator struct {
	provider *goose.Provider
	db       *sql.DB
}

// NewMigrator returns a Migrator over pool. Close it when done.
func NewMigrator(pool *pgxpool.Pool) (*Migrator, error) {
	return NewMigratorDB(stdlib.OpenDBFromPool(pool))
}

// NewMigratorDB returns a Migrator over a database/sql handle it takes over.
func NewMigratorDB(db *sql.DB) (*Migrator, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		_ = db.Close() // the load error is the one to report
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return &Migrator{provider: p, db: db}, nil
}

// Close releases the migrator's handle (not the pool it came from).
func (m *Migrator) Close() error { return m.db.Close() }

// Up applies every pending migration and returns the versions applied.
func (m *Migrator) Up(ctx context.Context) ([]int64, error) {
	res, err := m.provider.Up(ctx)
	versions := make([]int64, 0, len(res))
	for _, r := range res {
		versions = append(versions, r.Source.Version)
	}
	return versions, err
}

// Down rolls back the newest applied migration; it returns goose.ErrNoNextVersion
// wrapped when nothing is applied.
func (m *Migrator) Down(ctx context.Context) (int64, error) {
	res, err := m.provider.Down(ctx)
	if err != nil {
		return 0, err
	}
	return res.Source.Version, nil
}

// MigrationState is one migration and whether it is applied.
type MigrationState struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// Status lists every known migration with its state.
func (m *Migrator) Status(ctx context.Context) ([]MigrationState, error) {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationState, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationState{
			Version:   s.Source.Version,
			Name:      s.Source.Path,
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}

// Pending reports whether any migration is not yet applied.
func (m *Migrator) Pending(ctx context.Context) (bool, error) {
	return m.provider.HasPending(ctx)
}
