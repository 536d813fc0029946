package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
)

func TestReconcileFinalizesAStaleRun(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "operator")
	run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
	alice := f.as("alice")

	body := ok(t, alice.reconcile(ws, run, apiclient.ReconcileRequest{Note: new("host restarted")})).JSON200
	rec := body.Reconciliation
	require.Equal(t, apiclient.ReconcileDecisionDecisionFinalized, rec.Decision)
	require.Equal(t, apiclient.ReconcileDecisionOutcomeBlocked, *rec.Outcome)
	require.Equal(t, "inventory.blocked", rec.ReasonCode)
	require.NotEmpty(t, rec.Explanation)
	require.Equal(t, 1, *rec.Proof.Attempted)
	require.Equal(t, 1, *rec.Proof.Skipped)
	require.Equal(t, 0, *rec.Proof.Succeeded)
	require.Nil(t, rec.Proof.BlockedReason, "the run recorded no blocked reason")
	require.Empty(t, rec.Links)
	require.True(t, rec.Applied)
	require.False(t, rec.DryRun)

	out := body.Run
	require.Equal(t, apiclient.RunStatusCompleted, out.Status)
	require.Equal(t, apiclient.RunOutcomeBlocked, out.Outcome)
	require.Equal(t, apiclient.RunOutcomeLabelBlocked, out.OutcomeLabel)
	require.False(t, out.Stale)
	require.Equal(t, rec.Explanation, *out.Explanation)
	require.Equal(t, "inventory.blocked", *out.ReasonCode)
	require.Equal(t, &apiclient.NullableNextAction{
		Label: "Restore the provider connection or permissions, then sync again",
		Href:  runPath(ws, run) + "?include=diagnostics",
	}, out.NextAction)
	stored := out.Reconciliation
	require.NotNil(t, stored)
	require.Equal(t, apiclient.NullableDecisionRecordDecisionFinalized, stored.Decision)
	require.Equal(t, apiclient.NullableDecisionRecordOutcomeBlocked, stored.Outcome)
	require.Equal(t, apiclient.Manual, stored.Source)
	require.Equal(t, "alice", stored.Actor)
	require.Equal(t, apiclient.InventorySyncv1, stored.Adapter)
	require.Equal(t, "host restarted", *stored.Note)
	require.Equal(t, apiclient.NullableDecisionRecordPreviousStatusRunning, stored.PreviousStatus)
	require.Equal(t, rec.Proof, stored.Proof, "the record keeps the figures the call answered")
	require.True(t, stored.ReconciledAt.Equal(*out.CompletedAt))

	// The detail shows the same; repeating the call is safe.
	require.Equal(t, out, *ok(t, alice.getRun(ws, run, apiclient.GetRunParams{})).JSON200)
	again := ok(t, alice.reconcileRaw(ws, run, "", "")).JSON200.Reconciliation
	require.Equal(t, apiclient.ReconcileDecisionDecisionAlreadyTerminal, again.Decision)
	require.False(t, again.Applied)

	metrics := f.as("").metrics()
	require.Contains(t, metrics, `runproof_reconcile_decisions_total{decision="finalized",family="inventory.sync",outcome="blocked"} 1`)
	require.Contains(t, metrics, `runproof_reconcile_decisions_total{decision="already_terminal",family="inventory.sync",outcome="blocked"} 1`)
}

func TestReconcileLinksInScopeArtifacts(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	env := f.environment(ws, "e")
	f.member(ws, "alice", "owner")
	profile := f.id(`insert into baseline_profiles (workspace_id, name) values ($1, 'p') returning id`, ws)
	run := f.run(ws, runSpec{env: &env, typ: "baseline.capture", age: 3 * time.Hour})
	snapshot := f.id(`insert into baseline_snapshots (workspace_id, managed_environment_id, baseline_profile_id, operation_run_id, item_count)
		values ($1, $2, $3, $4, 12) returning id`, ws, env, profile, run)
	f.exec(`update operation_runs set context = jsonb_build_object('baseline_capture',
		jsonb_build_object('baseline_profile_id', $2::bigint, 'baseline_snapshot_id', $3::bigint, 'meta_fallback_count', 0)) where id = $1`,
		run, profile, snapshot)

	res := ok(t, f.as("alice").reconcile(ws, run, apiclient.ReconcileRequest{})).JSON200
	rec := res.Reconciliation
	require.Equal(t, apiclient.ReconcileDecisionOutcomeSucceeded, *rec.Outcome, rec.Explanation)
	href := fmt.Sprintf("/workspaces/%d/baseline-snapshots/%d", ws, snapshot)
	link := apiclient.ArtifactLink{Rel: apiclient.ArtifactLinkRelBaselineSnapshot, Id: snapshot, Href: href}
	require.Equal(t, []apiclient.ArtifactLink{link}, rec.Links)
	require.Equal(t, snapshot, *rec.Proof.SnapshotId)
	require.Equal(t, snapshot, *rec.Proof.SnapshotPointer)
	require.Equal(t, profile, *rec.Proof.BaselineProfileId)
	require.Equal(t, 12, *rec.Proof.ItemCount)
	related := apiclient.RelatedLink{Rel: apiclient.RelatedLinkRelBaselineSnapshot, Id: &snapshot, Href: href}
	require.Equal(t, apiclient.RunLinks{Self: runPath(ws, run), Related: []apiclient.RelatedLink{related}}, res.Run.Links)
	require.Equal(t, []apiclient.ArtifactLink{link}, res.Run.Reconciliation.Links)
	require.Nil(t, res.Run.NextAction)
}

// A dry run evaluates and writes nothing, stale or not.
func TestReconcileDryRunWritesNothing(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	stale := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
	fresh := f.run(ws, runSpec{age: time.Minute, context: blockedInventory})
	alice := f.as("alice")
	for _, run := range []int64{stale, fresh} {
		before := f.rowState(run)
		res := ok(t, alice.reconcile(ws, run, apiclient.ReconcileRequest{DryRun: new(true), Note: new("just looking")})).JSON200
		rec := res.Reconciliation
		require.Equal(t, apiclient.ReconcileDecisionDecisionFinalized, rec.Decision, "a dry run evaluates the adapter")
		require.Equal(t, apiclient.ReconcileDecisionOutcomeBlocked, *rec.Outcome)
		require.False(t, rec.Applied)
		require.True(t, rec.DryRun)
		require.Equal(t, apiclient.RunStatusRunning, res.Run.Status)
		require.Nil(t, res.Run.Reconciliation)
		require.Equal(t, before, f.rowState(run))
	}
	require.NotContains(t, f.as("").metrics(), "runproof_reconcile_decisions_total{", "dry runs are not counted")
}

func TestReconcileLeavesRunsItMayNotFinalize(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	alice := f.as("alice")
	cases := map[string]struct {
		spec     runSpec
		decision apiclient.ReconcileDecisionDecision
	}{
		"not stale":   {runSpec{age: time.Minute, context: blockedInventory}, apiclient.ReconcileDecisionDecisionNotStale},
		"unsupported": {runSpec{age: 3 * time.Hour, typ: "restore.execute"}, apiclient.ReconcileDecisionDecisionUnsupportedFamily},
		"no proof":    {runSpec{age: 3 * time.Hour}, apiclient.ReconcileDecisionDecisionNotReconciled},
		"completed":   {runSpec{status: "completed", outcome: "succeeded"}, apiclient.ReconcileDecisionDecisionAlreadyTerminal},
	}
	for name, c := range cases {
		run := f.run(ws, c.spec)
		before := f.rowState(run)
		rec := ok(t, alice.reconcileRaw(ws, run, "", "")).JSON200.Reconciliation
		require.Equal(t, c.decision, rec.Decision, name)
		require.False(t, rec.Applied, name)
		require.Equal(t, before, f.rowState(run), name)
		if name == "not stale" {
			require.Equal(t, 60, *rec.Proof.AgeSeconds)
			require.Equal(t, 1800, *rec.Proof.StaleAfterSeconds)
		}
	}
}

// Bad bodies are refused with the field named, and never write.
func TestReconcileRejectsBadBodies(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
	before := f.rowState(run)
	alice := f.as("alice")
	cases := map[string]struct {
		body, field string
	}{
		"malformed":        {`{"dry_run": tru`, "body"},
		"syntax":           {`{"dry_run" true}`, "body"},
		"unknown field":    {`{"dry_run": true, "force": true}`, "force"},
		"note too long":    {`{"note": "` + strings.Repeat("é", 501) + `"}`, "note"},
		"dry_run not bool": {`{"dry_run": "yes"}`, "dry_run"},
		"note not string":  {`{"note": 5}`, "note"},
		"array":            {`[]`, "body"},
		"string":           {`"x"`, "body"},
		"trailing data":    {`{} {}`, "body"},
		"trailing garbage": {`{"dry_run": true} x`, "body"},
		"note with NUL":    {`{"note": "a\u0000b"}`, "note"},
	}
	for name, c := range cases {
		res := status(t, http.StatusBadRequest, alice.reconcileRaw(ws, run, "application/json", c.body))
		require.Equal(t, []string{c.field}, fieldsOf(t, res.ApplicationproblemJSON400), name)
	}
	// 500 characters is allowed (characters, not bytes).
	ok(t, alice.reconcile(ws, run, apiclient.ReconcileRequest{DryRun: new(true), Note: new(strings.Repeat("é", 500))}))

	big := status(t, http.StatusRequestEntityTooLarge, alice.reconcile(ws, run, apiclient.ReconcileRequest{Note: new(strings.Repeat("x", 17<<10))}))
	require.Equal(t, apiclient.ProblemCodeTooLarge, big.ApplicationproblemJSON413.Code)

	text := status(t, http.StatusUnsupportedMediaType, alice.reconcileRaw(ws, run, "text/plain", `{}`))
	require.Equal(t, apiclient.ProblemCodeUnsupportedMediaType, text.ApplicationproblemJSON415.Code)
	require.Equal(t, before, f.rowState(run), "no bad request wrote anything")
}

// Two operators reconciling the same stale run at once finalize it once.
func TestConcurrentReconcilesFinalizeOnce(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	f.member(ws, "bob", "operator")
	subs := []string{"alice", "bob"}
	callers := []caller{f.caller(quietDoer{f}, subs[0]), f.caller(quietDoer{f}, subs[1])}
	for range 5 {
		run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
		responses := make([]*apiclient.ReconcileRunResponse, 2)
		errs := make([]error, 2)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, c := range callers {
			wg.Go(func() {
				<-start
				responses[i], errs[i] = c.c.ReconcileRunWithResponse(context.Background(), ws, run, apiclient.ReconcileRequest{})
			})
		}
		close(start)
		wg.Wait()
		results := make([]apiclient.ReconcileResponse, 2)
		for i, res := range responses {
			require.NoError(t, errs[i])
			results[i] = *ok(t, res).JSON200
		}
		decisions := []apiclient.ReconcileDecisionDecision{results[0].Reconciliation.Decision, results[1].Reconciliation.Decision}
		require.ElementsMatch(t, []apiclient.ReconcileDecisionDecision{
			apiclient.ReconcileDecisionDecisionFinalized, apiclient.ReconcileDecisionDecisionAlreadyTerminal}, decisions)
		require.NotEqual(t, results[0].Reconciliation.Applied, results[1].Reconciliation.Applied, "exactly one applied")

		// The stored record is the winner's: its actor and time, not the loser's.
		winner := 0
		if results[1].Reconciliation.Applied {
			winner = 1
		}
		stored := results[winner].Run.Reconciliation
		var actor, reconciledAt string
		require.NoError(t, f.pool.QueryRow(context.Background(),
			`select context #>> '{reconciliation,actor}', context #>> '{reconciliation,reconciled_at}' from operation_runs where id = $1`, run).
			Scan(&actor, &reconciledAt))
		require.Equal(t, stored.Actor, actor)
		require.Equal(t, subs[winner], actor)
		requireSameInstant(t, stored.ReconciledAt.Format(time.RFC3339Nano), reconciledAt)
		require.Equal(t, results[0].Run.Reconciliation, results[1].Run.Reconciliation, "the loser reads the winner's record")
	}
}

// requireSameInstant compares two RFC 3339 times (JSON and PostgreSQL's
// jsonb text may spell the same instant differently).
func requireSameInstant(t *testing.T, want, got string) {
	t.Helper()
	w, err := time.Parse(time.RFC3339Nano, want)
	require.NoError(t, err)
	g, err := time.Parse(time.RFC3339Nano, got)
	require.NoError(t, err)
	require.True(t, w.Equal(g), "%s vs %s", want, got)
}

// The typed proof and decision record carry every figure the adapters
// record: what a reconcile answers and what the run then shows are exactly
// what was stored, and between them the decisions below produce every key
// api/openapi.yaml gives the proof.
func TestTypedProofKeepsEveryFigure(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	env := f.environment(ws, "e")
	f.member(ws, "alice", "owner")
	alice := f.as("alice")

	inventory := f.run(ws, runSpec{env: &env, age: 3 * time.Hour, context: `{"inventory": {"attempted_types": ["a", "b", "c"],
		"coverage": {"a": {"status": "succeeded"}, "b": {"status": "failed", "error_code": "graph_throttled"}},
		"blocked_reason": "provider_connection_missing"}}`})

	profile := f.id(`insert into baseline_profiles (workspace_id, name) values ($1, 'p') returning id`, ws)
	baseline := f.run(ws, runSpec{env: &env, typ: "baseline.capture", age: 3 * time.Hour})
	snapshot := f.id(`insert into baseline_snapshots (workspace_id, managed_environment_id, baseline_profile_id, operation_run_id, item_count, gap_count)
		values ($1, $2, $3, $4, 12, 2) returning id`, ws, env, profile, baseline)
	f.exec(`update operation_runs set context = jsonb_build_object('baseline_capture',
		jsonb_build_object('baseline_profile_id', $2::bigint, 'baseline_snapshot_id', $3::bigint, 'meta_fallback_count', 1)) where id = $1`,
		baseline, profile, snapshot)

	schedule := f.id(`insert into backup_schedules (workspace_id, managed_environment_id, name) values ($1, $2, 's') returning id`, ws, env)
	backup := f.run(ws, runSpec{env: &env, typ: "backup.schedule.execute", age: 3 * time.Hour})
	set := f.id(`insert into backup_sets (workspace_id, managed_environment_id, backup_schedule_id, operation_run_id, status, item_count)
		values ($1, $2, $3, $4, 'running', 3) returning id`, ws, env, schedule, backup)
	f.exec(`insert into backup_items (backup_set_id, policy_type, external_id, status, assignments_status)
		values ($1, 't', 'x1', 'captured', 'captured'), ($1, 't', 'x2', 'captured', 'missing'), ($1, 't', 'x3', 'failed', 'not_applicable')`, set)
	f.exec(`update operation_runs set context = jsonb_build_object('backup_schedule_id', $2::bigint, 'backup_set_id', $3::bigint,
		'backup_schedule', jsonb_build_object('skip_reason', jsonb_build_object('reason_code', 'maintenance_window'))) where id = $1`,
		backup, schedule, set)

	keys := map[string]bool{}
	collect := func(proof apiclient.Proof) {
		b, err := json.Marshal(proof)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		for k := range m {
			keys[k] = true
		}
	}
	for _, run := range []int64{inventory, baseline, backup} {
		res := ok(t, alice.reconcile(ws, run, apiclient.ReconcileRequest{}))
		rec := res.JSON200.Reconciliation
		require.Equal(t, apiclient.ReconcileDecisionDecisionFinalized, rec.Decision, rec.Explanation)
		require.Equal(t, apiclient.ReconcileDecisionOutcomePartiallySucceeded, *rec.Outcome, rec.Explanation)
		var stored, storedProof string
		require.NoError(t, f.pool.QueryRow(t.Context(),
			`select context->'reconciliation', context #> '{reconciliation,proof}' from operation_runs where id = $1`, run).
			Scan(&stored, &storedProof))
		answered, err := json.Marshal(rec.Proof)
		require.NoError(t, err)
		require.JSONEq(t, storedProof, string(answered), "the answered proof is the stored one")
		// The run shows the stored record whole, each link with where to open it.
		record := ok(t, alice.getRun(ws, run, apiclient.GetRunParams{})).JSON200.Reconciliation
		for _, l := range record.Links {
			require.Equal(t, fmt.Sprintf("/workspaces/%d/%s/%d", ws, map[apiclient.ArtifactLinkRel]string{
				apiclient.ArtifactLinkRelBaselineSnapshot: "baseline-snapshots", apiclient.ArtifactLinkRelBackupSet: "backup-sets"}[l.Rel], l.Id), l.Href)
		}
		b, err := json.Marshal(record)
		require.NoError(t, err)
		var shown map[string]any
		require.NoError(t, json.Unmarshal(b, &shown))
		for _, l := range shown["links"].([]any) {
			delete(l.(map[string]any), "href")
		}
		b, err = json.Marshal(shown)
		require.NoError(t, err)
		require.JSONEq(t, stored, string(b), "the run shows the stored record whole")
		collect(rec.Proof)
	}
	fresh := f.run(ws, runSpec{age: time.Minute})
	notStale := ok(t, alice.reconcile(ws, fresh, apiclient.ReconcileRequest{})).JSON200.Reconciliation
	require.Equal(t, apiclient.ReconcileDecisionDecisionNotStale, notStale.Decision)
	collect(notStale.Proof)

	documented := slices.Sorted(maps.Keys(openAPI(t).Components.Schemas["Proof"].Value.Properties))
	require.Equal(t, documented, slices.Sorted(maps.Keys(keys)), "every documented proof key is produced, and no other")
}
