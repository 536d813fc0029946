package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/repo"
)

func run(ctx context.Context, o options, out io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	dbURL, err := ensureDatabase(ctx, o.serverURL, o.dbName)
	if err != nil {
		return err
	}
	pool, err := repo.Connect(ctx, dbURL, repo.PoolOptions{})
	if err != nil {
		return err
	}
	defer pool.Close()
	seedStart := time.Now()
	data, err := seed(ctx, pool, o.runs)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "dataset: %d runs in all, %d in workspace %d (%d environments); ready in %s\n",
		data.totalRuns, data.lastRun-data.firstRun+1, data.workspace, data.environments, time.Since(seedStart).Round(time.Millisecond))

	secretBytes := make([]byte, 24)
	_, _ = rand.Read(secretBytes)
	secret := hex.EncodeToString(secretBytes)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	floor, err := startServer(ctx, "floor", []string{self, "floor"}, "DATABASE_URL="+dbURL)
	if err != nil {
		return err
	}
	defer floor.stop()
	api, err := startServer(ctx, "runproof", []string{o.apiBinary, "serve"},
		"DATABASE_URL="+dbURL, "JWT_HS256_SECRET="+secret, "SWEEP_INTERVAL=0")
	if err != nil {
		return err
	}
	defer api.stop()
	token, err := authz.IssueHS256(authz.IssueParams{Secret: []byte(secret), Subject: data.subject, TTL: time.Hour, Now: time.Now()})
	if err != nil {
		return err
	}

	randomRun := func(r *mrand.Rand) int64 { return data.firstRun + r.Int64N(data.lastRun-data.firstRun+1) }
	ws := strconv.FormatInt(data.workspace, 10)
	scenarios := []scenario{
		{name: "floor: run by primary key", server: floor,
			path: func(r *mrand.Rand) string { return "/runs/" + strconv.FormatInt(randomRun(r), 10) }},
		{name: "runproof: run detail", server: api, token: token,
			path: func(r *mrand.Rand) string {
				return "/workspaces/" + ws + "/operations/" + strconv.FormatInt(randomRun(r), 10)
			}},
		{name: "runproof: hub, 50 rows", server: api, token: token,
			path: func(*mrand.Rand) string { return "/workspaces/" + ws + "/operations?limit=50" }},
		{name: "runproof: hub, 50 filtered", server: api, token: token,
			path: func(*mrand.Rand) string {
				return "/workspaces/" + ws + "/operations?limit=50&status=completed&type=inventory.sync"
			}},
		{name: "runproof: hub, 50 stale", server: api, token: token,
			path: func(*mrand.Rand) string { return "/workspaces/" + ws + "/operations?limit=50&stale=true" }},
	}
	fmt.Fprintf(out, "load: %d clients, %s warmup + %s measured per scenario (at most %d requests), loopback only; %d CPUs shared by servers, PostgreSQL and load generator; GOGC=%s\n\n",
		o.concurrency, o.warmup, o.duration, o.maxRequests, runtime.NumCPU(), cmp.Or(os.Getenv("GOGC"), "100 (default)"))
	rounds := make([][]result, len(scenarios)) // per scenario, one result a round
	for round := range o.rounds {
		if o.rounds > 1 {
			fmt.Fprintf(out, "round %d of %d\n", round+1, o.rounds)
		}
		for i, s := range scenarios { // interleaved, so that a noisy stretch hits every scenario
			res, err := load(ctx, s, o, pool)
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			fmt.Fprintln(out, res)
			rounds[i] = append(rounds[i], res)
		}
	}
	floorRes, detail, hub, stale := rounds[0], rounds[1], rounds[2], rounds[4]
	rps := func(r result) float64 { return r.rps() }
	p99 := func(r result) float64 { return ms(r.p99) }
	fmt.Fprintf(out, "\nmedians of %d round(s):\n", o.rounds)
	fmt.Fprintf(out, "detail vs floor: %.2fx requests/s (target >= 0.5), p99 %.2fx (target <= 2)\n",
		median(detail, rps)/median(floorRes, rps), median(detail, p99)/median(floorRes, p99))
	fmt.Fprintf(out, "hub vs floor:    %.2fx requests/s, hub p99 %.2f ms (target <= 10 ms; rounds: %s)\n",
		median(hub, rps)/median(floorRes, rps), median(hub, p99), list(hub, p99))
	// With every client always waiting on one request, mean latency is
	// clients / throughput (Little's law): a machine on which even the floor
	// is slow cannot show the absolute hub target, whatever the hub costs.
	fmt.Fprintf(out, "                 floor p99 %.2f ms (rounds: %s), so hub p99 is %.2fx the floor's; floor mean latency %.2f ms = %d clients / %.0f req/s\n",
		median(floorRes, p99), list(floorRes, p99), median(hub, p99)/median(floorRes, p99),
		1000*float64(o.concurrency)/median(floorRes, rps), o.concurrency, median(floorRes, rps))
	// A request's cost is the CPU the server and PostgreSQL spend on it; the
	// ratio of throughputs says the same where the machine is busy enough.
	cost := func(r result) float64 { return float64(r.cpu.server + r.cpu.postgres) }
	fmt.Fprintf(out, "stale page vs first page: cost per request %.2fx (server + postgres CPU; target <= 1.5), requests/s %.2fx, p99 %.2f vs %.2f ms\n",
		median(stale, cost)/median(hub, cost), median(stale, rps)/median(hub, rps), median(stale, p99), median(hub, p99))
	fmt.Fprintf(out, "server memory after load: runproof %s; floor %s\n\n", api.memory(), floor.memory())
	return explainHub(ctx, pool, data, out)
}

// median returns the median of f over rs (the mean of the middle two for an
// even count).
func median(rs []result, f func(result) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// list shows f of every round, in order.
func list(rs []result, f func(result) float64) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = strconv.FormatFloat(f(r), 'f', 2, 64)
	}
	return strings.Join(parts, ", ")
}
