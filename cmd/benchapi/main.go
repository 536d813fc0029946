// Command benchapi is runproof's HTTP load benchmark (`make bench-api`): it
// seeds a database of at least 200,000 runs, starts the real server (the api
// binary) and a bare chi+pgx server that selects one run by primary key (the
// floor), loads both over loopback with real tokens under fixed concurrency,
// and prints requests/s, latency percentiles, ratios to the floor, server
// memory and the hub query's plan. Every phase is bounded in time and
// requests, and only 127.0.0.1 is ever contacted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "floor" {
		if err := serveFloor(); err != nil {
			fmt.Fprintln(os.Stderr, "benchapi floor:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.StringVar(&o.apiBinary, "api", "bin/api", "the built api binary to benchmark")
	flag.IntVar(&o.runs, "runs", 200_000, "runs in the benchmarked workspace")
	flag.IntVar(&o.concurrency, "c", 32, "concurrent clients")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "measured time per scenario")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured time before each scenario")
	flag.IntVar(&o.maxRequests, "max-requests", 1_000_000, "request cap per scenario")
	flag.IntVar(&o.rounds, "rounds", 1, "times to run the scenarios, interleaved; ratios and p99 are medians over the rounds")
	flag.StringVar(&o.dbName, "db", "runproof_bench", "database to create and seed on DATABASE_URL's server")
	flag.Parse()
	o.serverURL = os.Getenv("DATABASE_URL")
	if err := runBounded(o); err != nil {
		fmt.Fprintln(os.Stderr, "benchapi:", err)
		os.Exit(1)
	}
}

// runBounded runs the benchmark until it ends, an interrupt or its time limit:
// seeding, plus each scenario's time twice over.
func runBounded(o options) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute+time.Duration(8*o.rounds)*(o.warmup+o.duration))
	defer cancel()
	return run(ctx, o, os.Stdout)
}

type options struct {
	apiBinary   string
	serverURL   string
	dbName      string
	runs        int
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	maxRequests int
	rounds      int
}

func (o options) validate() error {
	switch {
	case o.serverURL == "":
		return errors.New("DATABASE_URL is not set (make bench-api sets it)")
	case o.runs < 1 || o.concurrency < 1 || o.duration <= 0 || o.maxRequests < 1 || o.rounds < 1:
		return errors.New("-runs, -c, -d, -max-requests and -rounds must be positive")
	}
	_, err := os.Stat(o.apiBinary)
	return err
}
