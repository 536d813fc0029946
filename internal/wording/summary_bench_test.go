package wording_test

import (
	"testing"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/wording"
)

// BenchmarkSummary measures one hub summary, which a page of runs pays per
// row: a completed inventory sync with its decision's counts and a job's.
func BenchmarkSummary(b *testing.B) {
	done := now.Add(-time.Hour)
	run := domain.Run{Type: string(domain.FamilyInventorySync), Status: domain.StatusCompleted,
		Outcome: domain.OutcomePartiallySucceeded, CompletedAt: &done,
		SummaryCounts: []byte(`{"attempted": 12, "succeeded": 9, "failed": 2, "skipped": 0, "blocked": 0, "not_reached": 1, "items_observed": 340, "job_counter": 7}`)}
	b.ReportAllocs()
	for b.Loop() {
		if wording.Summary(run, now) == "" {
			b.Fatal("no summary")
		}
	}
}
