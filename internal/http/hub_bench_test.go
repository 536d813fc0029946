package http_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/benchdata"
	"github.com/runproof/runproof/internal/dbtest"
	rphttp "github.com/runproof/runproof/internal/http"
	"github.com/runproof/runproof/internal/metrics"
)

// BenchmarkHub serves the first 50-row hub page (and the stale page, and a
// filtered page with a cursor) through the real router, middleware and
// token check, against a real PostgreSQL holding 5,000 runs, about 100 of
// them stale: the stale page is as full as the first.
func BenchmarkHub(b *testing.B) {
	ctx := context.Background()
	pool := dbtest.New(b)
	exec := func(sql string, args ...any) {
		b.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			b.Fatal(err)
		}
	}
	var ws int64
	if err := pool.QueryRow(ctx, `INSERT INTO workspaces (slug, name) VALUES ('bench', 'Bench') RETURNING id`).Scan(&ws); err != nil {
		b.Fatal(err)
	}
	exec(`INSERT INTO managed_environments (workspace_id, name) SELECT $1, 'Tenant ' || e FROM generate_series(1, 4) e`, ws)
	exec(`INSERT INTO workspace_members (workspace_id, subject, role) VALUES ($1, 'bench-owner', 'owner')`, ws)
	exec(benchdata.RunsSQL, ws, 5000)
	exec(`ANALYZE`)

	verifier, err := authz.NewVerifier(authz.VerifierConfig{HS256Secret: secret})
	if err != nil {
		b.Fatal(err)
	}
	a, err := app.New(pool, app.Config{})
	if err != nil {
		b.Fatal(err)
	}
	router := rphttp.NewRouter(rphttp.Deps{
		Log:          slog.New(slog.NewJSONHandler(io.Discard, nil)), //nolint:sloglint // as in production, to a sink: each request's log line is encoded, which slog.DiscardHandler would skip
		App:          a,
		Verifier:     verifier,
		Metrics:      metrics.New(),
		CursorSecret: secret,
	}).(*chi.Mux)
	token, err := authz.IssueHS256(authz.IssueParams{Secret: secret, Subject: "bench-owner", TTL: time.Hour, Now: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	base := "/workspaces/" + strconv.FormatInt(ws, 10) + "/operations"
	serve := func(path string) (*lastWrite, bool) {
		req := httptest.NewRequestWithContext(b.Context(), http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := &lastWrite{header: http.Header{}}
		router.ServeHTTP(w, req)
		return w, w.status == http.StatusOK
	}

	// load serves path from 32 goroutines, as cmd/benchapi's clients do, so
	// that the CPU is busy serving rather than idling between round trips.
	load := func(b *testing.B, path string) {
		b.Helper()
		b.ReportAllocs()
		b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
		defer reportCPU(b)()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if w, ok := serve(path); !ok {
					b.Errorf("%s: %d %s", path, w.status, w.body)
					return
				}
			}
		})
	}

	b.Run("first-page", func(b *testing.B) {
		load(b, base+"?limit=50")
	})
	b.Run("stale", func(b *testing.B) {
		load(b, base+"?limit=50&stale=true")
	})
	b.Run("filtered-with-cursor", func(b *testing.B) {
		// The second page of a filtered listing checks a cursor and seals the next.
		filtered := base + "?limit=20&status=completed&type=inventory.sync"
		var first struct {
			NextCursor string `json:"next_cursor"`
		}
		w, _ := serve(filtered)
		if err := json.Unmarshal(w.body, &first); err != nil || first.NextCursor == "" {
			b.Fatalf("no next page: %d %s", w.status, w.body)
		}
		load(b, filtered+"&cursor="+first.NextCursor)
	})
}

// reportCPU reports the CPU this process used per operation until the
// returned function runs: ns/op also holds the wait for PostgreSQL.
func reportCPU(b *testing.B) func() {
	b.Helper()
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// lastWrite is a ResponseWriter that keeps only the status and the last
// write (the server writes a page at once), so that the benchmark measures
// the server and not a recorder's buffer.
type lastWrite struct {
	header http.Header
	status int
	body   []byte
}

func (w *lastWrite) Header() http.Header { return w.header }

func (w *lastWrite) WriteHeader(status int) { w.status = status }

func (w *lastWrite) Write(b []byte) (int, error) {
	w.body = b
	return len(b), nil
}
