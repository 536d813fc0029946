package repo

import (
	"context"
	"fmt"

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
	// Rolls back on fn's error or panic; a no-op after Commit.
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // fn's error or panic is the one to report
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
