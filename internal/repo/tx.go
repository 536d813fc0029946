package repo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// TxStarter begins transactions; *pgxpool.Pool is one.
type TxStarter interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// InTx runs fn in a transaction of db and commits it when fn returns nil. It
// rolls back when fn returns an error (returned as is) or panics (the panic
// goes on). A readOnly transaction makes PostgreSQL refuse any write fn
// attempts.
func InTx(ctx context.Context, db TxStarter, readOnly bool, fn func(tx DBTX) error) error {
	opts := pgx.TxOptions{AccessMode: pgx.ReadWrite}
	if readOnly {
		opts.AccessMode = pgx.ReadOnly
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Rolls back on fn's error or panic; a no-op after Commit. Bounded: a
	// frozen database must not hold up the caller or a shutdown, and a
	// transaction left open rolls back as its connection closes.
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		tx.Rollback(ctx) // fn's error or panic is the one to report
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Pool is what the use cases run on: queries, and transactions of their
// own. A *pgxpool.Pool is one.
type Pool interface {
	DBTX
	TxStarter
}

// ErrTxLost marks a savepoint that could not be set, released or rolled
// back to: the connection is gone or the context ended, so the whole
// transaction is lost, not only the step's work.
var ErrTxLost = errors.New("transaction lost")

// InSavepoint runs fn inside a savepoint of transaction tx. When fn fails,
// only its work is undone and tx goes on; the error is fn's, or wraps
// ErrTxLost when tx cannot go on.
func InSavepoint(ctx context.Context, tx DBTX, fn func() error) error {
	if _, err := tx.Exec(ctx, `SAVEPOINT runproof_step`); err != nil {
		return fmt.Errorf("%w: %w", ErrTxLost, err)
	}
	if err := fn(); err != nil {
		for _, undo := range []string{`ROLLBACK TO SAVEPOINT runproof_step`, `RELEASE SAVEPOINT runproof_step`} {
			if _, uErr := tx.Exec(ctx, undo); uErr != nil {
				return fmt.Errorf("%w: %w (undoing it: %w)", ErrTxLost, err, uErr)
			}
		}
		return err
	}
	if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT runproof_step`); err != nil {
		return fmt.Errorf("%w: %w", ErrTxLost, err)
	}
	return nil
}

// LimitStatements sets the statement and lock-wait limit of transaction tx
// to d, whatever the pool's: a sweep batch of thousands of runs may need
// longer than an API request.
func LimitStatements(ctx context.Context, tx DBTX, d time.Duration) error {
	ms := max(d.Milliseconds(), 1)
	_, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d", ms, ms))
	return err
}
