package http

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// Runs rendered as a page share their strings and environments; they must
// render exactly as each run alone does, and a page's strings must survive
// the rendering of the next page into the same memory.
func TestPageRenderMatchesSingleRuns(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a := &api{staleness: domain.DefaultStaleness()}
	runs := func(first int64, n int) []repo.RunView {
		var out []repo.RunView
		for i := range int64(n) {
			id := first + i
			run := repo.RunView{Run: domain.Run{ID: id, WorkspaceID: 7, Type: "inventory_sync", Status: "running", Outcome: "pending",
				CreatedAt: now.Add(-time.Duration(id) * time.Hour), SummaryCounts: json.RawMessage(`{}`)}}
			if id%3 != 0 { // some runs have no environment
				env, name := id%20, "Tenant "+strings.Repeat("x", int(id%20))
				run.EnvironmentID, run.EnvironmentName = &env, &name
			}
			if id%2 == 0 {
				done := now.Add(-time.Minute)
				run.Status, run.Outcome, run.CompletedAt = "completed", "partially_succeeded", &done
				run.SummaryCounts = json.RawMessage(`{"failed": 2, "succeeded": 8}`)
				run.Reconciliation = json.RawMessage(`{"explanation": "Two types failed.", "reason_code": "inventory.partial_coverage", "links": [{"rel": "x", "id": 3}]}`)
			}
			out = append(out, run)
		}
		return out
	}
	render := func(rs []repo.RunView, page *pageRender) []Run {
		var out []Run
		for _, run := range rs {
			out = append(out, a.renderRun(run, view{now: now, canReconcile: true, page: page}))
		}
		return out
	}

	var page pageRender
	first := render(runs(1, 40), &page)
	want := render(runs(1, 40), nil)
	require.Equal(t, want, first)

	page.reset()
	second := render(runs(41, 40), &page)
	require.Equal(t, render(runs(41, 40), nil), second)
	require.Equal(t, want, first, "the first page is intact after the second was rendered")
	require.Len(t, page.envs, 16, "environments past 16 are not shared")
}
