package http_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
)

var runKeys = []string{"id", "workspace_id", "environment", "type", "status", "outcome", "outcome_label",
	"stale", "summary", "explanation", "reason_code", "next_action", "links", "created_at", "started_at",
	"last_heartbeat_at", "completed_at", "reconciliation"}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestRunDetailRendersAStaleRun(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	env := f.environment(ws, "Contoso")
	f.member(ws, "alice", "operator")
	run := f.run(ws, runSpec{env: &env, typ: "inventory_sync", age: 3 * time.Hour, heartbeatAge: 2 * time.Hour,
		summaryCounts: `{"succeeded": 3}`})

	res := ok(t, f.as("alice").getRun(ws, run, apiclient.GetRunParams{}))
	require.Equal(t, "application/json", res.HTTPResponse.Header.Get("Content-Type"))
	require.Equal(t, "no-store", res.HTTPResponse.Header.Get("Cache-Control"))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(res.Body, &raw))
	require.Equal(t, slices.Sorted(slices.Values(runKeys)), keys(raw), "exactly the contract's keys")
	got := res.JSON200
	require.Equal(t, run, got.Id)
	require.Equal(t, ws, got.WorkspaceId)
	require.Equal(t, &apiclient.NullableEnvironment{Id: env, Name: "Contoso"}, got.Environment)
	require.Equal(t, "inventory.sync", got.Type)
	require.Equal(t, apiclient.RunStatusRunning, got.Status)
	require.Equal(t, apiclient.RunOutcomePending, got.Outcome)
	require.Equal(t, apiclient.RunOutcomeLabelPending, got.OutcomeLabel)
	require.True(t, got.Stale)
	require.Equal(t, "Inventory sync · running · last heartbeat 2 hours ago", got.Summary)
	require.Equal(t, "No heartbeat for 2 hours, and inventory sync runs go stale after 30 minutes, so the run looks stale and can be reconciled.", *got.Explanation)
	require.Nil(t, got.ReasonCode)
	require.Equal(t, &apiclient.NullableNextAction{Label: "Reconcile", Href: reconcilePath(ws, run)}, got.NextAction)
	require.Equal(t, apiclient.RunLinks{Self: runPath(ws, run), Related: []apiclient.RelatedLink{}}, got.Links)
	require.Equal(t, f.now.Add(-3*time.Hour), got.CreatedAt)
	require.Equal(t, f.now.Add(-2*time.Hour), *got.LastHeartbeatAt)
	require.Nil(t, got.CompletedAt)
	require.Nil(t, got.Reconciliation)
	require.Nil(t, got.Context)
	require.Nil(t, got.Failures)

	// A readonly member is not offered an action it may not take.
	f.member(ws, "reader", "readonly")
	require.Nil(t, ok(t, f.as("reader").getRun(ws, run, apiclient.GetRunParams{})).JSON200.NextAction)
}

func TestRunDetailWhileNothingIsKnown(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	queued := f.run(ws, runSpec{status: "queued", age: 5 * time.Minute, typ: "review_pack.generate"})
	done := f.run(ws, runSpec{status: "completed", outcome: "partially_succeeded", age: time.Hour,
		summaryCounts: `{"succeeded": 10, "failed": 2, "note": "not a number"}`})
	alice := f.as("alice")

	q := ok(t, alice.getRun(ws, queued, apiclient.GetRunParams{})).JSON200
	require.False(t, q.Stale)
	require.Equal(t, "Review pack · queued · queued 5 minutes ago", q.Summary)
	require.Nil(t, q.Explanation)
	require.Nil(t, q.NextAction)
	require.Nil(t, q.Environment)
	require.Nil(t, q.StartedAt)

	d := ok(t, alice.getRun(ws, done, apiclient.GetRunParams{})).JSON200
	require.Equal(t, apiclient.RunOutcomeLabelPartiallySucceeded, d.OutcomeLabel)
	require.Equal(t, "Inventory sync · partially succeeded · 10 succeeded, 2 failed", d.Summary)
	require.False(t, d.Stale)
	require.Nil(t, d.NextAction)
	require.Nil(t, d.Reconciliation, "completed by its job, not by runproof")
}

func TestRunDetailStaleQueuedRun(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{status: "queued", age: 20 * time.Minute})
	got := ok(t, f.as("alice").getRun(ws, run, apiclient.GetRunParams{})).JSON200
	require.True(t, got.Stale)
	require.Equal(t, "Queued for 20 minutes without starting, and queued runs go stale after 15 minutes, so the run looks stale and can be reconciled.", *got.Explanation)
}

// Raw context and failures appear only with include=diagnostics; failures
// are read as runproof reads them: the first code, reason_code or
// error_code, and the message.
func TestDiagnosticsAreGated(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "readonly")
	run := f.id(`insert into operation_runs (workspace_id, type, status, outcome, completed_at, context, failures)
		values ($1, 'inventory.sync', 'completed', 'failed', now(), '{"secret_detail": "x", "n": [1, {"k": null}]}',
		'[{"code": "boom"}, {"reason_code": "graph_throttled", "message": "Too many requests", "extra": 1}, {"code": "", "error_code": "e"}, {"code": 5}, "text", null]')
		returning id`, ws)
	alice := f.as("alice")

	plain := ok(t, alice.getRun(ws, run, apiclient.GetRunParams{}))
	require.NotContains(t, string(plain.Body), "secret_detail")
	require.NotContains(t, string(plain.Body), "boom")
	require.Nil(t, plain.JSON200.Context)
	require.Nil(t, plain.JSON200.Failures)

	diagnostics := apiclient.GetRunParams{Include: new(apiclient.GetRunParamsIncludeDiagnostics)}
	diag := ok(t, alice.getRun(ws, run, diagnostics)).JSON200
	require.Equal(t, map[string]any{"secret_detail": "x", "n": []any{1.0, map[string]any{"k": nil}}}, *diag.Context)
	require.Equal(t, []apiclient.Failure{
		{Code: new("boom")},
		{Code: new("graph_throttled"), Message: new("Too many requests")},
		{Code: new("e")},
		{}, {}, {},
	}, *diag.Failures)

	none := f.id(`insert into operation_runs (workspace_id, type) values ($1, 'inventory.sync') returning id`, ws)
	empty := ok(t, alice.getRun(ws, none, diagnostics)).JSON200
	require.Equal(t, map[string]any{}, *empty.Context)
	require.Equal(t, []apiclient.Failure{}, *empty.Failures, "an empty list is shown, not left out")

	tok := f.token("alice")
	for _, q := range []string{"include=everything", "include=", "include=diagnostics&include=diagnostics", "include=DIAGNOSTICS"} {
		res := f.get(runPath(ws, run)+"?"+q, tok)
		require.Equal(t, http.StatusBadRequest, res.Code, q)
		require.Equal(t, []string{"include"}, problemFields(t, res), q)
	}
}

func TestMalformedIDsAre400(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour})
	before := f.rowState(run)
	tok := f.token("alice")
	for _, bad := range []string{"abc", "0", "-1", "01", "+1", "1e3", "9223372036854775808", "1.0", "%20"} {
		for _, c := range []struct{ path, field string }{
			{"/workspaces/" + bad + "/operations", "ws"},
			{"/workspaces/" + bad + "/operations/" + itoa(run), "ws"},
			{"/workspaces/" + itoa(ws) + "/operations/" + bad, "run"},
			{"/workspaces/" + bad + "/reconciliation/families", "ws"},
		} {
			res := f.get(c.path, tok)
			require.Equal(t, http.StatusBadRequest, res.Code, c.path)
			require.Equal(t, []string{c.field}, problemFields(t, res), c.path)
		}
		res := f.post("/workspaces/"+itoa(ws)+"/operations/"+bad+"/reconcile", tok, `{}`)
		require.Equal(t, http.StatusBadRequest, res.Code, bad)
		require.Equal(t, []string{"run"}, problemFields(t, res))
	}
	require.Equal(t, before, f.rowState(run))
}
