package http_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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

	res := f.get(runPath(ws, run), f.token("alice"))
	require.Equal(t, http.StatusOK, res.Code)
	require.Equal(t, "application/json", res.Header.Get("Content-Type"))
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	got := res.json(t)
	require.Equal(t, slices.Sorted(slices.Values(runKeys)), keys(got), "exactly the contract's keys")
	require.Equal(t, float64(run), got["id"])
	require.Equal(t, float64(ws), got["workspace_id"])
	require.Equal(t, map[string]any{"id": float64(env), "name": "Contoso"}, got["environment"])
	require.Equal(t, "inventory.sync", got["type"])
	require.Equal(t, "running", got["status"])
	require.Equal(t, "pending", got["outcome"])
	require.Equal(t, "Pending", got["outcome_label"])
	require.Equal(t, true, got["stale"])
	require.Equal(t, "Inventory sync · running · last heartbeat 2 h ago", got["summary"])
	require.Equal(t, "No heartbeat for 2 h (allowed: 30 min). The run looks stale and can be reconciled.", got["explanation"])
	require.Nil(t, got["reason_code"])
	require.Equal(t, map[string]any{"label": "Reconcile", "href": reconcilePath(ws, run)}, got["next_action"])
	require.Equal(t, map[string]any{"self": runPath(ws, run), "related": []any{}}, got["links"])
	require.Equal(t, f.now.Add(-3*time.Hour).Format(time.RFC3339Nano), got["created_at"])
	require.Equal(t, f.now.Add(-2*time.Hour).Format(time.RFC3339Nano), got["last_heartbeat_at"])
	require.Nil(t, got["completed_at"])
	require.Nil(t, got["reconciliation"])

	// A readonly member is not offered an action it may not take.
	f.member(ws, "reader", "readonly")
	require.Nil(t, f.get(runPath(ws, run), f.token("reader")).json(t)["next_action"])
}

func TestRunDetailWhileNothingIsKnown(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	queued := f.run(ws, runSpec{status: "queued", age: 5 * time.Minute, typ: "review_pack.generate"})
	done := f.run(ws, runSpec{status: "completed", outcome: "partially_succeeded", age: time.Hour,
		summaryCounts: `{"succeeded": 10, "failed": 2, "note": "not a number"}`})
	tok := f.token("alice")

	q := f.get(runPath(ws, queued), tok).json(t)
	require.Equal(t, false, q["stale"])
	require.Equal(t, "Review pack · queued · queued 5 min ago", q["summary"])
	require.Nil(t, q["explanation"])
	require.Nil(t, q["next_action"])
	require.Nil(t, q["environment"])
	require.Nil(t, q["started_at"])

	d := f.get(runPath(ws, done), tok).json(t)
	require.Equal(t, "Partially succeeded", d["outcome_label"])
	require.Equal(t, "Inventory sync · partially succeeded · 2 failed, 10 succeeded", d["summary"])
	require.Equal(t, false, d["stale"])
	require.Nil(t, d["next_action"])
}

func TestRunDetailStaleQueuedRun(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{status: "queued", age: 20 * time.Minute})
	got := f.get(runPath(ws, run), f.token("alice")).json(t)
	require.Equal(t, true, got["stale"])
	require.Equal(t, "Queued for 20 min without starting (allowed: 15 min). The run looks stale and can be reconciled.", got["explanation"])
}

// Raw context and failures appear only with include=diagnostics.
func TestDiagnosticsAreGated(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "readonly")
	run := f.id(`insert into operation_runs (workspace_id, type, status, outcome, completed_at, context, failures)
		values ($1, 'inventory.sync', 'completed', 'failed', now(), '{"secret_detail": "x"}', '[{"code": "boom"}]') returning id`, ws)
	tok := f.token("alice")

	plain := f.get(runPath(ws, run), tok)
	require.NotContains(t, string(plain.Body), "secret_detail")
	require.NotContains(t, string(plain.Body), "boom")
	require.NotContains(t, plain.json(t), "context")
	require.NotContains(t, plain.json(t), "failures")

	diag := f.get(runPath(ws, run)+"?include=diagnostics", tok).json(t)
	require.Equal(t, map[string]any{"secret_detail": "x"}, diag["context"])
	require.Equal(t, []any{map[string]any{"code": "boom", "message": nil}}, diag["failures"])
	require.Len(t, diag, len(runKeys)+2)

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
