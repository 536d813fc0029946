package http_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestReconcileFinalizesAStaleRun(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "operator")
	run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
	tok := f.token("alice")

	res := f.post(reconcilePath(ws, run), tok, `{"note": "host restarted"}`)
	require.Equal(t, http.StatusOK, res.Code, string(res.Body))
	body := res.json(t)
	rec := body["reconciliation"].(map[string]any)
	require.Equal(t, "finalized", rec["decision"])
	require.Equal(t, "blocked", rec["outcome"])
	require.Equal(t, "inventory.blocked", rec["reason_code"])
	require.NotEmpty(t, rec["explanation"])
	require.IsType(t, map[string]any{}, rec["proof"])
	require.Equal(t, []any{}, rec["links"])
	require.Equal(t, true, rec["applied"])
	require.Equal(t, false, rec["dry_run"])

	out := body["run"].(map[string]any)
	require.Equal(t, "completed", out["status"])
	require.Equal(t, "blocked", out["outcome"])
	require.Equal(t, "Blocked", out["outcome_label"])
	require.Equal(t, false, out["stale"])
	require.Equal(t, rec["explanation"], out["explanation"])
	require.Equal(t, "inventory.blocked", out["reason_code"])
	require.Equal(t, map[string]any{
		"label": "Restore the provider connection or permissions, then sync again",
		"href":  runPath(ws, run) + "?include=diagnostics",
	}, out["next_action"])
	stored := out["reconciliation"].(map[string]any)
	require.Equal(t, "manual", stored["source"])
	require.Equal(t, "alice", stored["actor"])
	require.Equal(t, "host restarted", stored["note"])
	require.Equal(t, "running", stored["previous_status"])

	// The detail shows the same; repeating the call is safe.
	require.Equal(t, out, f.get(runPath(ws, run), tok).json(t))
	again := f.post(reconcilePath(ws, run), tok, ``).json(t)["reconciliation"].(map[string]any)
	require.Equal(t, "already_terminal", again["decision"])
	require.Equal(t, false, again["applied"])

	metrics := string(f.get("/metrics", "").Body)
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

	res := f.post(reconcilePath(ws, run), f.token("alice"), ``).json(t)
	rec := res["reconciliation"].(map[string]any)
	require.Equal(t, "succeeded", rec["outcome"], rec)
	link := map[string]any{"rel": "baseline_snapshot", "id": float64(snapshot)}
	require.Equal(t, []any{link}, rec["links"])
	require.Equal(t, map[string]any{"self": runPath(ws, run), "related": []any{link}}, res["run"].(map[string]any)["links"])
	require.Nil(t, res["run"].(map[string]any)["next_action"])
}

// A dry run evaluates and writes nothing, stale or not.
func TestReconcileDryRunWritesNothing(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	stale := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
	fresh := f.run(ws, runSpec{age: time.Minute, context: blockedInventory})
	tok := f.token("alice")
	for _, run := range []int64{stale, fresh} {
		before := f.rowState(run)
		res := f.post(reconcilePath(ws, run), tok, `{"dry_run": true, "note": "just looking"}`)
		require.Equal(t, http.StatusOK, res.Code)
		rec := res.json(t)["reconciliation"].(map[string]any)
		require.Equal(t, "finalized", rec["decision"], "a dry run evaluates the adapter")
		require.Equal(t, "blocked", rec["outcome"])
		require.Equal(t, false, rec["applied"])
		require.Equal(t, true, rec["dry_run"])
		require.Equal(t, "running", res.json(t)["run"].(map[string]any)["status"])
		require.Equal(t, before, f.rowState(run))
	}
	require.NotContains(t, string(f.get("/metrics", "").Body), "runproof_reconcile_decisions_total{", "dry runs are not counted")
}

func TestReconcileLeavesRunsItMayNotFinalize(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	tok := f.token("alice")
	cases := map[string]struct {
		spec     runSpec
		decision string
	}{
		"not stale":   {runSpec{age: time.Minute, context: blockedInventory}, "not_stale"},
		"unsupported": {runSpec{age: 3 * time.Hour, typ: "restore.execute"}, "unsupported_family"},
		"no proof":    {runSpec{age: 3 * time.Hour}, "not_reconciled"},
		"completed":   {runSpec{status: "completed", outcome: "succeeded"}, "already_terminal"},
	}
	for name, c := range cases {
		run := f.run(ws, c.spec)
		before := f.rowState(run)
		res := f.post(reconcilePath(ws, run), tok, ``)
		require.Equal(t, http.StatusOK, res.Code, name)
		rec := res.json(t)["reconciliation"].(map[string]any)
		require.Equal(t, c.decision, rec["decision"], name)
		require.Equal(t, false, rec["applied"], name)
		require.Equal(t, before, f.rowState(run), name)
	}
}

// Bad bodies are refused with the field named, and never write.
func TestReconcileRejectsBadBodies(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
	before := f.rowState(run)
	tok := f.token("alice")
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
		res := f.post(reconcilePath(ws, run), tok, c.body)
		require.Equal(t, http.StatusBadRequest, res.Code, name)
		require.Equal(t, []string{c.field}, problemFields(t, res), name)
	}
	// 500 characters is allowed (characters, not bytes).
	ok := f.post(reconcilePath(ws, run), tok, `{"dry_run": true, "note": "`+strings.Repeat("é", 500)+`"}`)
	require.Equal(t, http.StatusOK, ok.Code)

	big := f.post(reconcilePath(ws, run), tok, `{"note": "`+strings.Repeat("x", 17<<10)+`"}`)
	require.Equal(t, http.StatusRequestEntityTooLarge, big.Code)
	require.Equal(t, "too_large", big.json(t)["code"])

	text := f.do(request{Method: http.MethodPost, Path: reconcilePath(ws, run), Token: tok, Body: `{}`,
		Header: map[string]string{"Content-Type": "text/plain"}})
	require.Equal(t, http.StatusUnsupportedMediaType, text.Code)
	require.Equal(t, before, f.rowState(run), "no bad request wrote anything")
}

// Two operators reconciling the same stale run at once finalize it once.
func TestConcurrentReconcilesFinalizeOnce(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	f.member(ws, "bob", "operator")
	for range 5 {
		run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
		responses := make([]response, 2)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, sub := range []string{"alice", "bob"} {
			tok := f.token(sub)
			wg.Go(func() {
				<-start
				responses[i] = f.postQuiet(reconcilePath(ws, run), tok)
			})
		}
		close(start)
		wg.Wait()
		results := make([]map[string]any, 2)
		for i, res := range responses {
			require.Equal(t, http.StatusOK, res.Code, string(res.Body))
			results[i] = res.json(t)["reconciliation"].(map[string]any)
		}
		decisions := []string{results[0]["decision"].(string), results[1]["decision"].(string)}
		require.ElementsMatch(t, []string{"finalized", "already_terminal"}, decisions)
		require.NotEqual(t, results[0]["applied"], results[1]["applied"], "exactly one applied")

		// The stored record is the winner's: its actor and time, not the loser's.
		winner := 0
		if results[1]["applied"] == true {
			winner = 1
		}
		stored := responses[winner].json(t)["run"].(map[string]any)["reconciliation"].(map[string]any)
		var actor, reconciledAt string
		require.NoError(t, f.pool.QueryRow(context.Background(),
			`select context #>> '{reconciliation,actor}', context #>> '{reconciliation,reconciled_at}' from operation_runs where id = $1`, run).
			Scan(&actor, &reconciledAt))
		require.Equal(t, stored["actor"], actor)
		require.Equal(t, []string{"alice", "bob"}[winner], actor)
		requireSameInstant(t, stored["reconciled_at"].(string), reconciledAt)
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
