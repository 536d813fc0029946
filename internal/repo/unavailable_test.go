package repo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// connect opens a pool the way the service does, on url.
func connect(t *testing.T, url string, opts repo.PoolOptions) *pgxpool.Pool {
	t.Helper()
	pool, err := repo.Connect(context.Background(), url, opts)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

func sqlState(err error) string {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code
	}
	return ""
}

// The pool bounds every statement and every lock wait, even in a transaction
// that lifted the statement limit; both answers are unavailability.
func TestConnectBoundsStatementsAndLockWaits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	direct, url := dbtest.NewWithURL(t)
	pool := connect(t, url, repo.PoolOptions{StatementTimeout: 200 * time.Millisecond})
	for _, setting := range []string{"statement_timeout", "lock_timeout"} {
		var v string
		require.NoError(t, pool.QueryRow(ctx, "SHOW "+setting).Scan(&v))
		require.Equal(t, "200ms", v, setting)
	}

	_, err := pool.Exec(ctx, `SELECT pg_sleep(30)`)
	require.Equal(t, "57014", sqlState(err), "statement_timeout: %v", err)
	require.True(t, repo.IsUnavailable(err))

	holder, err := direct.Begin(ctx)
	require.NoError(t, err)
	defer holder.Rollback(ctx)
	_, err = holder.Exec(ctx, `SELECT pg_advisory_xact_lock(11)`)
	require.NoError(t, err)
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SET LOCAL statement_timeout = 0`)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(11)`)
	require.Equal(t, "55P03", sqlState(err), "lock_timeout: %v", err)
	require.True(t, repo.IsUnavailable(err))
}

// A caller whose context ends stops its work on the server too: the lock
// wait it left is gone as soon as the call returns, not when a timeout ends it.
func TestCancelledCallCancelsItsServerWork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	direct, url := dbtest.NewWithURL(t)
	pool := connect(t, url, repo.PoolOptions{}) // no statement or lock limit
	holder, err := direct.Begin(ctx)
	require.NoError(t, err)
	defer holder.Rollback(ctx)
	_, err = holder.Exec(ctx, `SELECT pg_advisory_xact_lock(12)`)
	require.NoError(t, err)

	callCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = pool.Exec(callCtx, `SELECT pg_advisory_lock(12)`)
	require.Error(t, err)
	require.True(t, repo.IsUnavailable(err), "%v", err)
	var waiting int
	require.NoError(t, direct.QueryRow(ctx,
		`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 12 AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting))
	require.Zero(t, waiting, "the abandoned lock wait was cancelled on the server")
	require.NoError(t, pool.Ping(ctx), "and the pool still serves")
}

func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, url := dbtest.NewWithURL(t)

	_, divByZero := pool.Exec(ctx, `SELECT 1/0`)
	require.Equal(t, "22012", sqlState(divByZero))
	_, duplicate := pool.Exec(ctx, `INSERT INTO workspaces (id, slug, name) VALUES (1, 'a', 'a'), (1, 'b', 'b')`)
	require.Equal(t, "23505", sqlState(duplicate))

	closed := connect(t, url, repo.PoolOptions{})
	closed.Close()
	_, closedPool := closed.Exec(ctx, `SELECT 1`)

	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	nobody := ln.Addr().String()
	require.NoError(t, ln.Close())
	_, refused := repo.Connect(ctx, "postgres://postgres@"+nobody+"/postgres?sslmode=disable", repo.PoolOptions{})

	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", domain.ErrNotFound, false},
		{"caller cancelled", fmt.Errorf("load: %w", context.Canceled), false},
		{"division by zero", divByZero, false},
		{"unique violation", duplicate, false},
		{"deadline", fmt.Errorf("load: %w", context.DeadlineExceeded), true},
		{"closed pool", closedPool, true},
		{"connection refused", refused, true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"cannot connect now", &pgconn.PgError{Code: "57P03"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, false},
	}
	for _, c := range cases {
		require.Equal(t, c.want, repo.IsUnavailable(c.err), "%s: %v", c.name, c.err)
	}
}

// A stopped database, then a working one again: one line when it goes, one
// with the count of failures when it answers again; none per failure.
func TestOutageIsLoggedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := dbtest.NewWithURL(t)
	proxy := dbtest.NewProxy(t, url)
	var logs bytes.Buffer
	pool := connect(t, proxy.URL(url), repo.PoolOptions{Log: slog.New(slog.NewJSONHandler(&logs, nil))})

	proxy.Cut()
	for range 5 {
		_, err := pool.Exec(ctx, `SELECT 1`)
		require.True(t, repo.IsUnavailable(err), "%v", err)
	}
	require.Equal(t, 1, strings.Count(logs.String(), `"msg":"database unavailable"`), logs.String())

	proxy.Restore()
	for range 3 {
		_, err := pool.Exec(ctx, `SELECT 1`)
		require.NoError(t, err)
	}
	require.Equal(t, 1, strings.Count(logs.String(), `"msg":"database available again"`), logs.String())
	require.Contains(t, logs.String(), `"failed":5`)
}
