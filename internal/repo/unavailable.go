package repo

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"
)

// IsUnavailable reports whether err says the database could not serve the
// operation, rather than refusing it: no connection could be made, the
// connection broke, the server is shutting down or refusing connections, a
// statement or lock wait ran out of time (statement_timeout, lock_timeout, a
// context deadline), or the pool is closed. Such an operation may succeed
// when retried later; it is neither the caller's fault nor a bug. A
// cancelled context is not unavailability: the caller gave up.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true // whatever the server said, it gave no connection
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return unavailableState(pgErr.Code)
	}
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) ||
		pgconn.Timeout(err) ||
		errors.As(err, &netErr) ||
		errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, puddle.ErrClosedPool)
}

// unavailableState is true for the SQLSTATEs of a server that could not
// serve in time or at all.
func unavailableState(code string) bool {
	switch code {
	case "57014", // query_canceled: statement_timeout or a cancel request
		"55P03", // lock_not_available: lock_timeout
		"57P01", // admin_shutdown
		"57P02", // crash_shutdown
		"57P03", // cannot_connect_now: starting up or shutting down
		"53300": // too_many_connections
		return true
	}
	return strings.HasPrefix(code, "08") // connection exceptions
}

// outageLog is the pool's tracer: it logs the database's availability when it
// changes, one line when operations start failing as unavailable and one
// when one succeeds again with how many failed meanwhile, instead of a line
// per failed request.
type outageLog struct {
	log  *slog.Logger
	down atomic.Bool // the fast path of every successful operation

	mu     sync.Mutex
	since  time.Time
	failed int
}

func (o *outageLog) observe(err error) {
	switch {
	case err == nil:
		if o.down.Load() {
			o.recovered()
		}
	case IsUnavailable(err):
		o.fail(err)
	}
}

func (o *outageLog) fail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed++
	if o.down.Load() {
		return
	}
	o.down.Store(true)
	o.since = time.Now()
	o.log.Error("database unavailable", "err", err)
}

func (o *outageLog) recovered() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.down.Load() {
		return
	}
	o.down.Store(false)
	o.log.Info("database available again", "failed", o.failed, "down_for", time.Since(o.since).Round(time.Millisecond).String())
	o.failed = 0
}

// TraceQueryStart implements pgx.QueryTracer.
func (o *outageLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (o *outageLog) TraceQueryEnd(_ context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	o.observe(d.Err)
}

// TraceBatchStart implements pgx.BatchTracer.
func (o *outageLog) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

// TraceBatchQuery implements pgx.BatchTracer; the batch's end says it all.
func (o *outageLog) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd implements pgx.BatchTracer.
func (o *outageLog) TraceBatchEnd(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchEndData) {
	o.observe(d.Err)
}

// TraceAcquireStart implements pgxpool.AcquireTracer.
func (o *outageLog) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	return ctx
}

// TraceAcquireEnd implements pgxpool.AcquireTracer: a connection that cannot
// be had is unavailability too, while getting one proves nothing yet.
func (o *outageLog) TraceAcquireEnd(_ context.Context, _ *pgxpool.Pool, d pgxpool.TraceAcquireEndData) {
	if d.Err != nil {
		o.observe(d.Err)
	}
}
