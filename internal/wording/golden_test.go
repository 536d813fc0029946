package wording_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/wording"
	"github.com/runproof/runproof/internal/wording/wordingtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

var now = time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := now.Add(-d); return &t }

// goldenCase is one run and the sentences shown beside it.
type goldenCase struct {
	name string
	run  domain.Run
	// explanation is the run's explanation: the decision that completed it,
	// or the stale or not-stale sentence of an open run; "" for none.
	explanation string
	// decided: runproof completed the run from proof, so its summary must
	// show the explanation's figures.
	decided bool
}

// TestGolden pins the summary and the explanation of every family (the
// three decided from proof, a named unsupported one, an unknown one) in
// every status (queued, running, stale, completed) and outcome, with zero,
// one, many and unknown counts. Run with -update to rewrite
// testdata/golden.txt after a deliberate copy change, and read the diff.
func TestGolden(t *testing.T) {
	var cases []goldenCase
	families := []domain.Family{domain.FamilyInventorySync, domain.FamilyBaselineCapture, domain.FamilyBackupScheduleExecute,
		domain.FamilyPolicySync, "custom.job", "<b>odd</b>"}
	for _, f := range families {
		cases = append(cases, openCases(f)...)
	}
	cases = append(cases, inventoryCases()...)
	cases = append(cases, baselineCases()...)
	cases = append(cases, backupCases()...)
	for _, f := range families {
		cases = append(cases, jobCompletedCases(f)...)
	}

	var b strings.Builder
	for _, c := range cases {
		summary := wording.Summary(c.run, now)
		fmt.Fprintf(&b, "%s\n  summary:     %s\n", c.name, summary)
		if c.explanation != "" {
			fmt.Fprintf(&b, "  explanation: %s\n", c.explanation)
		}
		b.WriteString("\n")
		requireCalm(t, summary)
		if c.explanation != "" {
			requireCalm(t, c.explanation)
		}
		if c.decided {
			t.Run(c.name, func(t *testing.T) { wordingtest.RequireSameFigures(t, summary, c.explanation) })
		}
	}
	b.WriteString("next actions\n")
	for _, code := range []string{"inventory.blocked", "baseline.blocked", "backup.skipped", "proof.missing", ""} {
		fmt.Fprintf(&b, "  blocked %-18q %s\n", code, wording.BlockedLabel(code))
	}
	fmt.Fprintf(&b, "  stale, may reconcile       %s\n", wording.ReconcileLabel)
	requireGolden(t, "golden.txt", b.String())
}

// requireCalm checks a sentence shows nothing internal: no snake_case key,
// no raw JSON, no implementer's word.
func requireCalm(t *testing.T, s string) {
	t.Helper()
	for _, bad := range []string{"_count", "meta_fallback", "items_observed", "not_reached", "assignments_missing",
		"{", "}", "<", "adapter", "proof.missing", "%!", "  ", " ,", "..", " h ", " min "} {
		require.NotContains(t, s, bad, "%q", s)
	}
}

// requireGolden compares got with testdata/name, or rewrites it with -update.
func requireGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./internal/wording -run TestGolden -update to create it")
	require.Equal(t, string(want), got, "run with -update after a deliberate change and read the diff")
}

func mustJSON(t any) json.RawMessage {
	b, err := json.Marshal(t)
	if err != nil {
		panic(err)
	}
	return b
}

// openCases are a family's runs that are not completed: fresh ones, which
// a reconcile leaves alone (NotStale), and stale ones (StaleExplanation).
func openCases(f domain.Family) []goldenCase {
	s := domain.DefaultStaleness()
	run := func(status domain.Status, created time.Duration, started, heartbeat *time.Time) domain.Run {
		return domain.Run{ID: 41, Type: string(f), Status: status, Outcome: domain.OutcomePending,
			CreatedAt: *at(created), StartedAt: started, LastHeartbeatAt: heartbeat, SummaryCounts: mustJSON(map[string]int{"items": 3})}
	}
	var out []goldenCase
	for _, c := range []struct {
		name string
		run  domain.Run
	}{
		{"queued just now", run(domain.StatusQueued, 20*time.Second, nil, nil)},
		{"queued", run(domain.StatusQueued, 5*time.Minute, nil, nil)},
		{"running, heartbeat", run(domain.StatusRunning, time.Hour, at(50*time.Minute), at(3*time.Minute))},
		{"running, no heartbeat yet", run(domain.StatusRunning, 12*time.Minute, at(11*time.Minute), nil)},
		{"running, never started", run(domain.StatusRunning, 2*time.Minute, nil, nil)},
		{"stale, queued", run(domain.StatusQueued, 40*time.Minute, nil, nil)},
		{"stale, running", run(domain.StatusRunning, 5*time.Hour, at(5*time.Hour), at(75*time.Minute))},
		{"stale, running for days", run(domain.StatusRunning, 80*time.Hour, at(80*time.Hour), at(73*time.Hour))},
		{"stale, running without a heartbeat", run(domain.StatusRunning, 3*time.Hour, at(3*time.Hour), nil)},
	} {
		e := wording.NotStale(c.run, s, now)
		if s.IsStale(c.run, now) {
			e = wording.StaleExplanation(c.run, s, now)
		}
		out = append(out, goldenCase{name: string(f) + " · " + c.name, run: c.run, explanation: e})
	}
	return out
}

// completed returns run of family f as a finalization by runproof leaves
// it: completed with outcome o, its summary counts the job's merged with
// the decision's.
func completed(f domain.Family, o domain.Outcome, job, decision map[string]int64) domain.Run {
	c := map[string]int64{}
	maps.Copy(c, job)
	maps.Copy(c, decision)
	return domain.Run{ID: 42, Type: string(f), Status: domain.StatusCompleted, Outcome: o, CreatedAt: *at(5 * time.Hour),
		StartedAt: at(5 * time.Hour), LastHeartbeatAt: at(3 * time.Hour), CompletedAt: at(2 * time.Hour), SummaryCounts: mustJSON(c)}
}

// unknownKeys are counters a job wrote beside the family's own.
var unknownKeys = map[string]int64{"devices_skipped": 2, "job_counter": 7}

func decided(f domain.Family, o domain.Outcome, variant string, counts map[string]int64, explanation string) goldenCase {
	var job map[string]int64
	if variant == "unknown keys" {
		job = unknownKeys
	}
	return goldenCase{name: fmt.Sprintf("%s · completed · %s · %s", f, o, variant), run: completed(f, o, job, counts),
		explanation: explanation, decided: true}
}

// staleClosed is a run of family f closed by the generic stale path with
// no counts of its own; why is its decision's explanation, "" for a family
// not decided from proof, and label tells the cases apart.
func staleClosed(f domain.Family, label, why string) goldenCase {
	run := completed(f, domain.OutcomeFailed, nil, nil)
	open := run
	open.Status, open.Outcome, open.CompletedAt = domain.StatusRunning, domain.OutcomePending, nil
	e := wording.StaleClosed(open)
	if why != "" {
		e = wording.StaleClosedBecause(why)
	}
	return goldenCase{name: string(f) + " · completed · failed · closed when stale, " + label, run: run, explanation: e}
}

// inventoryCounts are the summary counts an inventory decision writes.
func inventoryCounts(inv wording.Inventory) map[string]int64 {
	return map[string]int64{"attempted": inv.Attempted, "succeeded": inv.Succeeded, "failed": inv.Failed,
		"skipped": inv.Skipped, "blocked": inv.Blocked, "not_reached": inv.NotReached, "items_observed": inv.ItemsObserved}
}

func inventoryCases() []goldenCase {
	f := domain.FamilyInventorySync
	var out []goldenCase
	add := func(o domain.Outcome, variant string, inv wording.Inventory, e string) {
		out = append(out, decided(f, o, variant, inventoryCounts(inv), e))
	}
	for _, v := range []struct {
		variant string
		inv     wording.Inventory
	}{
		{"zero", wording.Inventory{Attempted: 1, Succeeded: 1}},
		{"one", wording.Inventory{Attempted: 1, Succeeded: 1, ItemsObserved: 1}},
		{"many", wording.Inventory{Attempted: 3, Succeeded: 3, ItemsObserved: 22}},
		{"unknown keys", wording.Inventory{Attempted: 3, Succeeded: 3, ItemsObserved: 22}},
	} {
		add(domain.OutcomeSucceeded, v.variant, v.inv, wording.InventoryComplete(v.inv))
	}
	for _, v := range []struct {
		variant string
		inv     wording.Inventory
	}{
		{"zero", wording.Inventory{Attempted: 2, Succeeded: 1, NotReached: 1}},
		{"one", wording.Inventory{Attempted: 3, Succeeded: 2, Failed: 1, FailedCodes: []string{"graph_throttled"}, ItemsObserved: 40}},
		{"many", wording.Inventory{Attempted: 12, Succeeded: 6, Failed: 3, Skipped: 2, NotReached: 1, ItemsObserved: 310,
			FailedCodes: []string{"graph_throttled", "graph_throttled", "graph_unavailable"}, SkippedCodes: []string{"provider_permission_missing", "<script>"}}},
		{"unknown keys", wording.Inventory{Attempted: 3, Succeeded: 1, Failed: 1, NotReached: 1, FailedCodes: []string{"graph_throttled"}}},
	} {
		add(domain.OutcomePartiallySucceeded, v.variant, v.inv, wording.InventoryPartial(v.inv))
	}
	for _, v := range []struct {
		variant, code string
		inv           wording.Inventory
	}{
		{"zero", "provider_connection_missing", wording.Inventory{}},
		{"one", "", wording.Inventory{Attempted: 1, Blocked: 1, BlockedCodes: []string{"license_missing"}}},
		{"many", "provider_connection_missing", wording.Inventory{Attempted: 3, NotReached: 3}},
		{"unknown keys", "Reconnect {tenant} now.", wording.Inventory{Attempted: 2, Skipped: 1, Blocked: 1,
			SkippedCodes: []string{"provider_permission_missing"}, BlockedCodes: []string{"license_missing"}}},
	} {
		add(domain.OutcomeBlocked, v.variant, v.inv, wording.InventoryBlocked(v.inv, v.code))
	}
	for _, v := range []struct {
		variant string
		inv     wording.Inventory
	}{
		{"one", wording.Inventory{Attempted: 1, Failed: 1}},
		{"many", wording.Inventory{Attempted: 3, Failed: 3, FailedCodes: []string{"graph_unavailable", "graph_throttled", "graph_unavailable"}}},
		{"unknown keys", wording.Inventory{Attempted: 2, Failed: 1, Skipped: 1, FailedCodes: []string{"graph_unavailable"}}},
	} {
		add(domain.OutcomeFailed, v.variant, v.inv, wording.InventoryFailed(v.inv))
	}
	return append(out, staleClosed(f, "no progress", wording.InventoryUnproven(wording.Inventory{}, false)),
		staleClosed(f, "out of scope", wording.InventoryOutOfScope(1)))
}

// baselineCounts are the summary counts a baseline decision writes.
func baselineCounts(b wording.Baseline) map[string]int64 {
	if b.Snapshot == 0 {
		return map[string]int64{"snapshots": 0, "failures": b.Failures.Count}
	}
	return map[string]int64{"snapshots": 1, "item_count": b.Items, "gaps": b.Gaps, "meta_fallback_count": b.MetaFallbacks}
}

func baselineCases() []goldenCase {
	f := domain.FamilyBaselineCapture
	var out []goldenCase
	add := func(o domain.Outcome, variant string, b wording.Baseline, e string) {
		out = append(out, decided(f, o, variant, baselineCounts(b), e))
	}
	for _, v := range []struct {
		variant string
		b       wording.Baseline
	}{
		{"zero", wording.Baseline{Snapshot: 91}},
		{"one", wording.Baseline{Snapshot: 91, Items: 1}},
		{"many", wording.Baseline{Snapshot: 91, Items: 48}},
		{"unknown keys", wording.Baseline{Snapshot: 91, Items: 48}},
	} {
		add(domain.OutcomeSucceeded, v.variant, v.b, wording.BaselineComplete(v.b))
	}
	for _, v := range []struct {
		variant string
		b       wording.Baseline
	}{
		{"one", wording.Baseline{Snapshot: 91, Items: 47, Gaps: 1}},
		{"many", wording.Baseline{Snapshot: 91, Items: 45, Gaps: 3}},
		{"zero gaps, metadata fallbacks", wording.Baseline{Snapshot: 91, Items: 48, MetaFallbacks: 2}},
		{"unknown keys", wording.Baseline{Snapshot: 91, Items: 45, Gaps: 3, MetaFallbacks: 1}},
	} {
		add(domain.OutcomePartiallySucceeded, v.variant, v.b, wording.BaselinePartial(v.b))
	}
	for _, v := range []struct {
		variant, code string
		b             wording.Baseline
	}{
		{"zero", "inventory_not_ready", wording.Baseline{}},
		{"one", "", wording.Baseline{Failures: wording.Failures{Count: 1, FirstCode: "snapshot_write_failed"}}},
		{"unknown keys", "inventory_not_ready", wording.Baseline{Missing: wording.Missing{Pointer: true, ID: 987}}},
	} {
		add(domain.OutcomeBlocked, v.variant, v.b, wording.BaselineBlocked(v.b, v.code))
	}
	for _, v := range []struct {
		variant string
		b       wording.Baseline
	}{
		{"one", wording.Baseline{Failures: wording.Failures{Count: 1, FirstCode: "snapshot_write_failed"}}},
		{"many", wording.Baseline{Missing: wording.Missing{Candidates: 1}, Failures: wording.Failures{Count: 3, FirstCode: "lost {db}"}}},
		{"unknown keys", wording.Baseline{Missing: wording.Missing{Pointer: true, Malformed: true}, Failures: wording.Failures{Count: 2}}},
	} {
		add(domain.OutcomeFailed, v.variant, v.b, wording.BaselineFailed(v.b))
	}
	return append(out, staleClosed(f, "nothing recorded", wording.BaselineUnproven(wording.Baseline{})),
		staleClosed(f, "ambiguous", wording.Ambiguous(wording.ArtifactSnapshot, 2)))
}

// backupCounts are the summary counts a backup decision writes.
func backupCounts(b wording.Backup) map[string]int64 {
	return map[string]int64{"expected": b.Expected, "captured": b.Captured, "failed": b.Failed,
		"assignments_missing": b.AssignmentsMissing, "failures": b.Failures.Count}
}

func backupCases() []goldenCase {
	f := domain.FamilyBackupScheduleExecute
	var out []goldenCase
	add := func(o domain.Outcome, variant string, b wording.Backup, e string) {
		out = append(out, decided(f, o, variant, backupCounts(b), e))
	}
	for _, v := range []struct {
		variant string
		b       wording.Backup
	}{
		{"zero", wording.Backup{Set: 55}},
		{"one", wording.Backup{Set: 55, Expected: 1, Captured: 1}},
		{"many", wording.Backup{Set: 55, Expected: 5, Captured: 5}},
		{"unknown keys", wording.Backup{Set: 55, Expected: 5, Captured: 5, Failures: wording.Failures{Count: 1, FirstCode: "graph_request_failed"}}},
	} {
		add(domain.OutcomeSucceeded, v.variant, v.b, wording.BackupComplete(v.b))
	}
	for _, v := range []struct {
		variant string
		b       wording.Backup
	}{
		{"zero", wording.Backup{Set: 55, Expected: 2, Captured: 2, AssignmentsMissing: 2}},
		{"one", wording.Backup{Set: 55, Expected: 2, Captured: 1}},
		{"many", wording.Backup{Set: 55, Expected: 5, Captured: 4, Failed: 1, AssignmentsMissing: 1}},
		{"unknown keys", wording.Backup{Set: 55, Expected: 25, Captured: 22, Failed: 2, AssignmentsMissing: 3}},
	} {
		add(domain.OutcomePartiallySucceeded, v.variant, v.b, wording.BackupPartial(v.b))
	}
	for _, v := range []struct {
		variant, code string
		b             wording.Backup
	}{
		{"zero", "schedule_disabled", wording.Backup{}},
		{"many", "schedule_lock_held", wording.Backup{Set: 55, Expected: 2, Failed: 2, Failures: wording.Failures{Count: 1}}},
		{"unknown keys", "The schedule \"Paused\" is disabled.", wording.Backup{Missing: wording.Missing{Pointer: true, ID: 987}}},
	} {
		add(domain.OutcomeBlocked, v.variant, v.b, wording.BackupSkipped(v.b, v.code))
	}
	for _, v := range []struct {
		variant string
		b       wording.Backup
	}{
		{"zero", wording.Backup{Failures: wording.Failures{Count: 1, FirstCode: "graph_request_failed"}}},
		{"one", wording.Backup{Set: 55, Expected: 1, Failed: 1}},
		{"many", wording.Backup{Set: 55, Expected: 2, Failed: 2, Failures: wording.Failures{Count: 3, FirstCode: "graph_request_failed"}}},
		{"unknown keys", wording.Backup{Missing: wording.Missing{Candidates: 1}, Failures: wording.Failures{Count: 2}}},
	} {
		add(domain.OutcomeFailed, v.variant, v.b, wording.BackupFailed(v.b))
	}
	return append(out, staleClosed(f, "nothing recorded", wording.BackupUnproven(wording.Backup{})),
		staleClosed(f, "inconsistent", wording.BackupInconsistent(wording.Backup{Set: 55, Expected: 1, Captured: 2})))
}

// jobCompletedCases are runs a job completed itself, with counters of its
// own and no decision: a reconcile would find them already terminal.
func jobCompletedCases(f domain.Family) []goldenCase {
	var out []goldenCase
	for _, v := range []struct {
		variant string
		o       domain.Outcome
		counts  map[string]any
	}{
		{"zero", domain.OutcomeSucceeded, map[string]any{}},
		{"zero counters", domain.OutcomeCancelled, map[string]any{"devices_synced": 0}},
		{"one", domain.OutcomeSucceeded, map[string]any{"devices_skipped": 1, "items": 1}},
		{"many", domain.OutcomePartiallySucceeded, map[string]any{"succeeded": 10, "failed": 2}},
		{"unknown keys", domain.OutcomeFailed, map[string]any{"itemCount": 1, "num_retries": 3, "policy_types_failed": 2,
			"batches": 1, "errors": 4, "devices": 40, "bad key!": 5, "ratio": 0.5, "note": "done", "nested": map[string]int{"a": 1}}},
	} {
		run := completed(f, v.o, nil, nil)
		run.SummaryCounts = mustJSON(v.counts)
		out = append(out, goldenCase{name: fmt.Sprintf("%s · completed by its job · %s · %s", f, v.o, v.variant), run: run,
			explanation: wording.AlreadyTerminal(run)})
	}
	if _, named := map[domain.Family]bool{domain.FamilyPolicySync: true, "custom.job": true}[f]; named {
		out = append(out, staleClosed(f, "not decided from proof", ""))
		run := completed(f, domain.OutcomeFailed, nil, nil)
		run.Status, run.Outcome, run.CompletedAt = domain.StatusRunning, domain.OutcomePending, nil
		out = append(out, goldenCase{name: string(f) + " · reconcile asked", run: run, explanation: wording.Unsupported(run)})
	}
	return out
}
