package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/runproof/runproof/internal/repo"
)

// This file and App's pool are where the use cases still name pgx: they go
// when repo offers transactions itself (repo.InTx, a savepoint helper beside
// it, and a pool type callers can name without pgx).

// inTx runs fn in a transaction on pool, read-only when readOnly, and
// commits when fn returns nil; otherwise, or when ctx ends, nothing fn did
// is kept.
func inTx(ctx context.Context, pool *pgxpool.Pool, readOnly bool, fn func(tx repo.DBTX) error) error {
	access := pgx.ReadWrite
	if readOnly {
		access = pgx.ReadOnly
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{AccessMode: access})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// errTxLost marks a savepoint that could not be set, released or rolled
// back to: the connection is gone or ctx ended, so the whole transaction is
// lost, not just fn's work.
var errTxLost = errors.New("transaction lost")

// savepoint runs fn inside a savepoint of transaction tx. When fn fails,
// only its work is undone and tx goes on; the error is fn's, or wraps
// errTxLost when tx cannot go on.
func savepoint(ctx context.Context, tx repo.DBTX, fn func() error) error {
	if _, err := tx.Exec(ctx, `SAVEPOINT app_step`); err != nil {
		return fmt.Errorf("%w: %w", errTxLost, err)
	}
	if err := fn(); err != nil {
		for _, undo := range []string{`ROLLBACK TO SAVEPOINT app_step`, `RELEASE SAVEPOINT app_step`} {
			if _, uErr := tx.Exec(ctx, undo); uErr != nil {
				return fmt.Errorf("%w: %w (undoing it: %w)", errTxLost, err, uErr)
			}
		}
		return err
	}
	if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT app_step`); err != nil {
		return fmt.Errorf("%w: %w", errTxLost, err)
	}
	return nil
}
