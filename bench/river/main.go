// Command benchsweep is `make bench-sweep`: in interleaved rounds it runs
// runproof's sweep benchmark (BenchmarkSweep in internal/app, which also
// times the raw batched UPDATE floor) and River's rescuer over as many stuck
// River jobs on the same PostgreSQL cluster, then prints every rate in rows/s
// with the medians and the ratios between them.
//
// It is a module of its own so that River never enters runproof's go.mod.
// River's rescuer is River's own code, run by a River client: its working
// time is the sum of its statements' durations seen through a pgx tracer,
// its end to end time runs from its first statement until the last stuck job
// has left the running state (it sleeps 50 ms to 1 s between batches).
//
// BENCH_SWEEP_RUNS (default 100,000) sets the rows of both; DATABASE_URL names
// the cluster. Every phase is bounded in time and the program ends by itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"syscall"
	"time"
)

func main() {
	rounds := flag.Int("rounds", 3, "interleaved rounds; the table shows their medians")
	repo := flag.String("repo", ".", "runproof's repository root, where the sweep benchmark runs")
	flag.Parse()
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_SWEEP_RUNS")); err == nil && v > 0 {
		n = v
	}
	serverURL := os.Getenv("DATABASE_URL")
	if serverURL == "" || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "benchsweep: DATABASE_URL must be set (make bench-sweep sets it) and -rounds positive")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Generous for 100,000 rows on a loaded 2-core machine, yet finite.
	ctx, cancel := context.WithTimeout(ctx, time.Duration(*rounds)*20*time.Minute)
	defer cancel()
	if err := run(ctx, *repo, serverURL, n, *rounds, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchsweep:", err)
		os.Exit(1)
	}
}

// round is one round's four rates, in rows per second.
type round struct {
	floor, sweep, riverWorking, riverEndToEnd float64
}

func run(ctx context.Context, repo, serverURL string, n, rounds int, out, log io.Writer) error {
	var rs []round
	for i := 1; i <= rounds; i++ {
		fmt.Fprintf(log, "round %d/%d: runproof's sweep and the floor, %d rows\n", i, rounds, n)
		sw, err := runSweep(ctx, repo, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "round %d/%d: River's rescuer, %d stuck jobs\n", i, rounds, n)
		riverCtx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		rv, err := runRiver(riverCtx, serverURL, n)
		cancel()
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "River: %d statements, working %v, end to end %v, first statement %v after the client's Start\n",
			rv.statements, rv.working.Round(time.Millisecond), rv.endToEnd.Round(time.Millisecond), rv.untilFirst.Round(time.Millisecond))
		rs = append(rs, round{
			floor:         sw.floor,
			sweep:         sw.sweep,
			riverWorking:  float64(n) / rv.working.Seconds(),
			riverEndToEnd: float64(n) / rv.endToEnd.Seconds(),
		})
	}
	return printTable(out, n, rs)
}

func printTable(out io.Writer, n int, rs []round) error {
	rows := []struct {
		name string
		rate func(round) float64
	}{
		{"raw batched UPDATE (floor)", func(r round) float64 { return r.floor }},
		{"runproof sweep", func(r round) float64 { return r.sweep }},
		{"River rescuer, working time", func(r round) float64 { return r.riverWorking }},
		{"River rescuer, end to end", func(r round) float64 { return r.riverEndToEnd }},
	}
	med := func(rate func(round) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = rate(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}

	fmt.Fprintf(out, "\nbench-sweep: %s rows, %d interleaved round(s), rows/s; ratios are of the medians\n\n", thousands(float64(n)), len(rs))
	fmt.Fprintf(out, "%-30s", "")
	for i := range rs {
		fmt.Fprintf(out, " %10s", fmt.Sprintf("round %d", i+1))
	}
	fmt.Fprintf(out, " %10s %9s\n", "median", "vs floor")
	floor := med(rows[0].rate)
	for _, row := range rows {
		fmt.Fprintf(out, "%-30s", row.name)
		for _, r := range rs {
			fmt.Fprintf(out, " %10s", thousands(row.rate(r)))
		}
		m := med(row.rate)
		fmt.Fprintf(out, " %10s %9.2f\n", thousands(m), m/floor)
	}
	sweep, working, endToEnd := med(rows[1].rate), med(rows[2].rate), med(rows[3].rate)
	if floor <= 0 || working <= 0 || endToEnd <= 0 {
		return errors.New("a median rate is zero")
	}
	fmt.Fprintf(out, "\nrunproof vs floor:              %.2f\n", sweep/floor)
	fmt.Fprintf(out, "River working vs floor:         %.2f\n", working/floor)
	fmt.Fprintf(out, "runproof vs River working:      %.2f\n", sweep/working)
	fmt.Fprintf(out, "runproof vs River end to end:   %.2f\n", sweep/endToEnd)
	return nil
}

// thousands formats v rounded to a whole number with comma separators.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
