package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// scenario is one kind of request, sent by every client in a loop.
type scenario struct {
	name   string
	server *server
	token  string
	path   func(r *rand.Rand) string
}

// result is what loading one scenario measured.
type result struct {
	name      string
	requests  int
	failures  int
	elapsed   time.Duration
	p50, p99  time.Duration
	max       time.Duration
	serverMem memory
	cpu       cpuSample // per request
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) String() string {
	return fmt.Sprintf("%-28s %7d req %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  failures %d\n"+
		"%-28s CPU per request: server %s, postgres %s, load generator %s; server %s",
		r.name, r.requests, r.rps(), ms(r.p50), ms(r.p99), ms(r.max), r.failures,
		"", r.cpu.server, r.cpu.postgres, r.cpu.client, r.serverMem)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load runs s with o.concurrency clients: o.warmup unmeasured, then until
// o.duration passes or o.maxRequests were sent, whichever is first. The CPU
// of the server, of the PostgreSQL backends of the benchmark database (read
// through pg) and of this process is spread over the measured requests.
func load(ctx context.Context, s scenario, o options, pg *pgxpool.Pool) (result, error) {
	c, warmup, duration, maxRequests := o.concurrency, o.warmup, o.duration, o.maxRequests
	conns := make([]conn, c) // kept open from the warmup to the end
	addr := strings.TrimPrefix(s.server.base, "http://")
	for i := range conns {
		conns[i].addr = addr
		defer conns[i].close()
	}
	if _, _, err := drive(ctx, conns, s, warmup, maxRequests); err != nil {
		return result{}, err
	}
	start, cpuBefore := time.Now(), sampleCPU(ctx, s.server, pg, o.dbName)
	latencies, failures, err := drive(ctx, conns, s, duration, maxRequests)
	if err != nil {
		return result{}, err
	}
	elapsed := time.Since(start)
	slices.Sort(latencies)
	res := result{name: s.name, requests: len(latencies), failures: failures, elapsed: elapsed,
		serverMem: s.server.memory(), cpu: sampleCPU(ctx, s.server, pg, o.dbName).perRequest(cpuBefore, len(latencies))}
	if n := len(latencies); n > 0 {
		res.p50, res.p99, res.max = latencies[n/2], latencies[n*99/100], latencies[n-1]
	}
	return res, nil
}

// drive sends requests from one client per connection until duration passes
// or maxRequests were sent. Requests in flight at the end are let finish
// (cancelling them would make the servers drop their database connections).
func drive(ctx context.Context, conns []conn, s scenario, duration time.Duration, maxRequests int) ([]time.Duration, int, error) {
	deadline := time.Now().Add(duration)
	var sent, failures atomic.Int64
	perClient := make([][]time.Duration, len(conns))
	var wg sync.WaitGroup
	auth := ""
	if s.token != "" {
		auth = "Bearer " + s.token
	}
	for i := range conns {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
			for ctx.Err() == nil && time.Now().Before(deadline) && sent.Add(1) <= int64(maxRequests) {
				path := s.path(rng)
				t0 := time.Now()
				status, err := conns[i].get(ctx, path, auth)
				if err != nil {
					failures.Add(1)
					continue
				}
				perClient[i] = append(perClient[i], time.Since(t0))
				if status != http.StatusOK {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return slices.Concat(perClient...), int(failures.Load()), ctx.Err()
}
