package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/metrics"
)

func TestMetricsAreExposed(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	m.ObserveRequest("/workspaces/{ws}/operations", "GET", 200, 3*time.Millisecond)
	m.CountDecision("inventory.sync", "finalized", "blocked")
	m.CountDecision("restore.execute", "unsupported_family", "")
	m.SetStaleWaiting(7)

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/metrics", nil))
	body, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	for _, want := range []string{
		`runproof_http_request_duration_seconds_count{method="GET",route="/workspaces/{ws}/operations",status="200"} 1`,
		`runproof_reconcile_decisions_total{decision="finalized",family="inventory.sync",outcome="blocked"} 1`,
		`runproof_reconcile_decisions_total{decision="unsupported_family",family="restore.execute",outcome="none"} 1`,
		"runproof_sweep_stale_runs_waiting 7",
		"process_resident_memory_bytes",
	} {
		require.Contains(t, string(body), want)
	}
	// A second registry does not collide with the first.
	require.NotPanics(t, func() { metrics.New() })
}
