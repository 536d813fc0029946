package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/config"
)

// reconcileStale is `api reconcile --stale`: one sweep pass for cron jobs and
// support, printing what it decided per family and decision.
func reconcileStale(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	stale := fs.Bool("stale", false, "sweep every stale run")
	workspace := fs.Int64("workspace", 0, "only this workspace id")
	dryRun := fs.Bool("dry-run", false, "decide and report, write nothing")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: reconcile: %w", errUsage, err)
	}
	if !*stale || fs.NArg() > 0 {
		return fmt.Errorf("%w: reconcile takes --stale [--workspace ID] [--dry-run]", errUsage)
	}
	pool, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	a, err := app.New(pool, app.Config{
		Staleness:      cfg.Staleness,
		SweepBatchSize: cfg.SweepBatchSize,
		Log:            slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})),
	})
	if err != nil {
		return err
	}
	opts := app.SweepOptions{DryRun: *dryRun}
	if *workspace != 0 {
		opts.WorkspaceID = workspace
	}
	res, err := a.Sweep(ctx, opts)
	printSummary(stdout, res, *dryRun)
	if err == nil && res.Failed > 0 {
		err = fmt.Errorf("%d stale runs could not be finalized; their ids are in the log", res.Failed)
	}
	return err
}

func printSummary(w io.Writer, res app.SweepResult, dryRun bool) {
	keys := make([]app.DecisionKey, 0, len(res.Counts))
	for k := range res.Counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b app.DecisionKey) int {
		return cmp.Or(strings.Compare(string(a.Family), string(b.Family)), strings.Compare(string(a.Decision), string(b.Decision)),
			strings.Compare(string(a.Outcome), string(b.Outcome)))
	})
	verb := "finalized"
	if dryRun {
		verb = "would finalize (dry run)"
	}
	fmt.Fprintf(w, "%-26s %-20s %-20s %6s\n", "FAMILY", "DECISION", "OUTCOME", "RUNS")
	for _, k := range keys {
		fmt.Fprintf(w, "%-26s %-20s %-20s %6d\n", k.Family, k.Decision, k.Outcome, res.Counts[k])
	}
	n := res.Finalized
	if dryRun {
		n = res.Claimed
	}
	fmt.Fprintf(w, "stale runs: %d claimed, %d %s, %d skipped, %d failed, in %d batches\n", res.Claimed, n, verb,
		res.Skipped, res.Failed, res.Batches)
}
