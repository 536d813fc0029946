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

	"github.com/runproof/runproof/internal/config"
	"github.com/runproof/runproof/internal/sweep"
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
		return fmt.Errorf("%w: reconcile: %v", errUsage, err)
	}
	if !*stale || fs.NArg() > 0 {
		return fmt.Errorf("%w: reconcile takes --stale [--workspace ID] [--dry-run]", errUsage)
	}
	pool, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	s, err := sweep.New(pool, sweep.Config{
		BatchSize: cfg.SweepBatchSize,
		Staleness: cfg.Staleness,
		Log:       slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})),
	})
	if err != nil {
		return err
	}
	opts := sweep.Options{DryRun: *dryRun}
	if *workspace != 0 {
		opts.WorkspaceID = workspace
	}
	res, err := s.RunOnce(ctx, opts)
	printSummary(stdout, res, *dryRun)
	return err
}

func printSummary(w io.Writer, res sweep.Result, dryRun bool) {
	keys := make([]sweep.Key, 0, len(res.Counts))
	for k := range res.Counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b sweep.Key) int {
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
	fmt.Fprintf(w, "stale runs: %d claimed, %d %s, %d skipped, in %d batches\n", res.Claimed, n, verb, res.Skipped, res.Batches)
}
