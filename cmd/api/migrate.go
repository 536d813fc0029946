package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pressly/goose/v3"

	"github.com/runproof/runproof/internal/config"
	"github.com/runproof/runproof/internal/repo"
)

func migrate(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		return fmt.Errorf("%w: migrate takes one of up, down, status", errUsage)
	}
	pool, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := repo.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer func() { _ = m.Close() }() // the migrations are settled by now; this only returns connections to the pool

	switch args[0] {
	case "up":
		applied, err := m.Up(ctx)
		if err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		if len(applied) == 0 {
			fmt.Fprintln(stdout, "migrate up: already up to date")
		}
		for _, v := range applied {
			fmt.Fprintf(stdout, "migrate up: applied %d\n", v)
		}
	case "down":
		v, err := m.Down(ctx)
		if errors.Is(err, goose.ErrNoNextVersion) {
			fmt.Fprintln(stdout, "migrate down: nothing to roll back")
			return nil
		}
		if err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		fmt.Fprintf(stdout, "migrate down: rolled back %d\n", v)
	case "status":
		states, err := m.Status(ctx)
		if err != nil {
			return fmt.Errorf("migrate status: %w", err)
		}
		for _, s := range states {
			state := "pending"
			if s.Applied {
				state = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(stdout, "%-6d %-40s %s\n", s.Version, s.Name, state)
		}
	}
	return nil
}
