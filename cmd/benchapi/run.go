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
	"strconv"
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
	pool, err := repo.Connect(ctx, dbURL)
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
	}
	fmt.Fprintf(out, "load: %d clients, %s warmup + %s measured per scenario (at most %d requests), loopback only; %d CPUs shared by servers, PostgreSQL and load generator; GOGC=%s\n\n",
		o.concurrency, o.warmup, o.duration, o.maxRequests, runtime.NumCPU(), cmp.Or(os.Getenv("GOGC"), "100 (default)"))
	results := make([]result, 0, len(scenarios))
	for _, s := range scenarios {
		res, err := load(ctx, s, o, pool)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintln(out, res)
		results = append(results, res)
	}
	floorRes, detail, hub := results[0], results[1], results[2]
	fmt.Fprintf(out, "\ndetail vs floor: %.2fx requests/s (target >= 0.5), p99 %.2fx (target <= 2)\n",
		detail.rps()/floorRes.rps(), float64(detail.p99)/float64(floorRes.p99))
	fmt.Fprintf(out, "hub vs floor:    %.2fx requests/s, hub p99 %.2f ms (target <= 10 ms)\n",
		hub.rps()/floorRes.rps(), ms(hub.p99))
	fmt.Fprintf(out, "server memory after load: runproof %s; floor %s\n\n", api.memory(), floor.memory())
	return explainHub(ctx, pool, data, out)
}
