package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/runproof/runproof/internal/config"
	"github.com/runproof/runproof/internal/demo"
)

func seed(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "demo" {
		return fmt.Errorf("%w: seed takes `demo`", errUsage)
	}
	fs := flag.NewFlagSet("seed demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	reset := fs.Bool("reset", false, "delete and recreate the demo workspace")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: seed demo takes only --reset", errUsage)
	}
	pool, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	res, err := demo.Seed(ctx, pool, time.Now(), *reset)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	state := "created"
	if !res.Created {
		state = "already present (use --reset to recreate)"
	}
	fmt.Fprintf(stdout, "demo workspace %d %s\n", res.WorkspaceID, state)
	return nil
}
