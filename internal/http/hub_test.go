package http_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
)

func TestHubNewestFirstWithEnvironmentNames(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	env := f.environment(ws, "Contoso")
	f.member(ws, "alice", "readonly")
	old := f.run(ws, runSpec{age: 2 * time.Hour, env: &env})
	tieA := f.run(ws, runSpec{age: time.Hour})
	tieB := f.run(ws, runSpec{age: time.Hour})
	newest := f.run(ws, runSpec{age: time.Minute, typ: "intune.inventory.sync"})
	f.run(f.workspace("other"), runSpec{})

	res := ok(t, f.as("alice").listRuns(ws, apiclient.ListRunsParams{}))
	p := res.JSON200
	require.Equal(t, []int64{newest, tieB, tieA, old}, pageIDs(p), "created_at DESC, id DESC")
	require.Nil(t, p.NextCursor)
	require.Equal(t, "inventory.sync", p.Items[0].Type, "aliases are shown canonical")
	require.Nil(t, p.Items[0].Environment)
	require.Equal(t, &apiclient.NullableEnvironment{Id: env, Name: "Contoso"}, p.Items[3].Environment)

	// Hub items carry exactly the contract's keys: never context or failures.
	var raw struct {
		Items []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal(res.Body, &raw))
	for _, it := range raw.Items {
		require.Equal(t, slices.Sorted(slices.Values(runKeys)), keys(it))
	}
}

// Without limit a page holds 50 runs and points to the next.
func TestHubDefaultLimitIs50(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "readonly")
	for i := range 51 {
		f.run(ws, runSpec{age: time.Duration(i+1) * time.Minute})
	}
	alice := f.as("alice")
	p := ok(t, alice.listRuns(ws, apiclient.ListRunsParams{})).JSON200
	require.Len(t, p.Items, 50)
	require.NotNil(t, p.NextCursor)
	rest := ok(t, alice.listRuns(ws, apiclient.ListRunsParams{Cursor: p.NextCursor})).JSON200
	require.Len(t, rest.Items, 1)
	require.Nil(t, rest.NextCursor)
}

func TestHubFilters(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	e1, e2 := f.environment(ws, "one"), f.environment(ws, "two")
	f.member(ws, "alice", "operator")
	staleRunning := f.run(ws, runSpec{env: &e1, age: 3 * time.Hour})
	freshRunning := f.run(ws, runSpec{env: &e2, age: time.Minute, typ: "inventory_sync"})
	staleQueued := f.run(ws, runSpec{env: &e1, status: "queued", age: 20 * time.Minute, typ: "baseline_capture"})
	freshQueued := f.run(ws, runSpec{env: &e2, status: "queued", age: time.Minute, typ: "baseline.capture"})
	// A backup runs 60 min before going stale; 45 min without a heartbeat is not stale yet.
	backupNotYet := f.run(ws, runSpec{env: &e1, age: 45 * time.Minute, typ: "backup.schedule.run"})
	heartbeatKeepsFresh := f.run(ws, runSpec{env: &e2, age: 5 * time.Hour, heartbeatAge: time.Minute})
	failed := f.run(ws, runSpec{env: &e1, status: "completed", outcome: "failed", age: 4 * time.Hour, typ: "policy.sync"})
	succeeded := f.run(ws, runSpec{status: "completed", outcome: "succeeded", age: 4 * time.Hour, typ: "backup.schedule.execute"})
	alice := f.as("alice")

	type params = apiclient.ListRunsParams
	cases := map[string]struct {
		params params
		want   []int64
	}{
		"none":                      {params{}, []int64{freshQueued, freshRunning, staleQueued, backupNotYet, staleRunning, succeeded, failed, heartbeatKeepsFresh}},
		"environment":               {params{Environment: &e1}, []int64{staleQueued, backupNotYet, staleRunning, failed}},
		"type":                      {params{Type: new("inventory.sync")}, []int64{freshRunning, staleRunning, heartbeatKeepsFresh}},
		"type alias":                {params{Type: new("intune.inventory.sync")}, []int64{freshRunning, staleRunning, heartbeatKeepsFresh}},
		"baseline":                  {params{Type: new("baseline.capture")}, []int64{freshQueued, staleQueued}},
		"backup":                    {params{Type: new("backup.schedule.execute")}, []int64{backupNotYet, succeeded}},
		"unsupported family":        {params{Type: new("policy.sync")}, []int64{failed}},
		"unknown family":            {params{Type: new("no.such.family")}, []int64{}},
		"queued":                    {params{Status: new(apiclient.ListRunsParamsStatusQueued)}, []int64{freshQueued, staleQueued}},
		"completed":                 {params{Status: new(apiclient.ListRunsParamsStatusCompleted)}, []int64{succeeded, failed}},
		"pending":                   {params{Outcome: new(apiclient.ListRunsParamsOutcomePending)}, []int64{freshQueued, freshRunning, staleQueued, backupNotYet, staleRunning, heartbeatKeepsFresh}},
		"failed":                    {params{Outcome: new(apiclient.ListRunsParamsOutcomeFailed)}, []int64{failed}},
		"stale":                     {params{Stale: new(true)}, []int64{staleQueued, staleRunning}},
		"not stale":                 {params{Stale: new(false)}, []int64{freshQueued, freshRunning, backupNotYet, succeeded, failed, heartbeatKeepsFresh}},
		"stale in environment":      {params{Stale: new(true), Environment: &e1}, []int64{staleQueued, staleRunning}},
		"stale baseline":            {params{Stale: new(true), Type: new("baseline.capture")}, []int64{staleQueued}},
		"running, not stale, limit": {params{Status: new(apiclient.ListRunsParamsStatusRunning), Stale: new(false), Limit: new(200)}, []int64{freshRunning, backupNotYet, heartbeatKeepsFresh}},
	}
	// Runs that share created_at come higher id first.
	// heartbeatKeepsFresh was created first of all (5 h ago), so it is last.
	for name, c := range cases {
		require.Equal(t, c.want, pageIDs(ok(t, alice.listRuns(ws, c.params)).JSON200), name)
	}
	// The stale flag of each item agrees with the stale filter.
	for _, stale := range []bool{true, false} {
		for _, it := range ok(t, alice.listRuns(ws, params{Stale: &stale})).JSON200.Items {
			require.Equal(t, stale, it.Stale)
		}
	}
}

// Walking the hub page by page sees every run that existed when the walk
// started exactly once, even while new runs keep arriving.
func TestHubPaginationHasNoGapsOrDuplicatesWhileRunsArrive(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	var existing []int64
	for i := range 23 {
		// Pairs share created_at, so the id tie-break is exercised.
		existing = append(existing, f.run(ws, runSpec{age: time.Duration(100-i/2) * time.Minute}))
	}
	alice := f.as("alice")
	seen := map[int64]int{}
	var order []int64
	params := apiclient.ListRunsParams{Limit: new(4)}
	pages := 0
	for {
		p := ok(t, alice.listRuns(ws, params)).JSON200
		pages++
		for _, it := range p.Items {
			seen[it.Id]++
			order = append(order, it.Id)
		}
		// A new run arrives between page fetches.
		f.run(ws, runSpec{age: 0})
		if p.NextCursor == nil {
			break
		}
		require.Len(t, p.Items, 4)
		params.Cursor = p.NextCursor
	}
	require.Equal(t, 6, pages)
	slices.Reverse(existing) // newest first; equal created_at → higher id first
	require.Equal(t, existing, order)
	for id, n := range seen {
		require.Equal(t, 1, n, "run %d seen once", id)
	}
}

// A limit of 1 walks everything too, and the cursor does not depend on it.
func TestHubCursorKeepsWorkingWithAnotherLimit(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	a := f.run(ws, runSpec{age: 3 * time.Minute})
	b := f.run(ws, runSpec{age: 2 * time.Minute})
	c := f.run(ws, runSpec{age: time.Minute})
	alice := f.as("alice")
	p := ok(t, alice.listRuns(ws, apiclient.ListRunsParams{Limit: new(1)})).JSON200
	require.Equal(t, []int64{c}, pageIDs(p))
	require.Equal(t, []int64{b, a}, pageIDs(ok(t, alice.listRuns(ws, apiclient.ListRunsParams{Limit: new(50), Cursor: p.NextCursor})).JSON200))
}

func TestHubRejectsBadQueries(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	tok := f.token("alice")
	cases := map[string][]string{
		"limit=0":                          {"limit"},
		"limit=201":                        {"limit"},
		"limit=abc":                        {"limit"},
		"limit=":                           {"limit"},
		"limit=1&limit=2":                  {"limit"},
		"environment=abc":                  {"environment"},
		"environment=0":                    {"environment"},
		"environment=-3":                   {"environment"},
		"status=done":                      {"status"},
		"outcome=ok":                       {"outcome"},
		"stale=yes":                        {"stale"},
		"type=" + strings.Repeat("x", 201): {"type"},
		"cursor=%zz":                       {"query"},
		"type=%FE":                         {"type"},
		"type=a%00b":                       {"type"},
		"limit=0&status=done&stale=1":      {"limit", "status", "stale"},
	}
	for query, fields := range cases {
		res := f.get("/workspaces/"+itoa(ws)+"/operations?"+query, tok)
		require.Equal(t, http.StatusBadRequest, res.Code, query)
		require.ElementsMatch(t, fields, problemFields(t, res), query)
	}
	bad := f.get("/workspaces/abc/operations", tok)
	require.Equal(t, http.StatusBadRequest, bad.Code)
	require.Equal(t, []string{"ws"}, problemFields(t, bad))
}

// A cursor is accepted only unaltered, made by this server, for the same
// workspace and filters.
func TestHubRefusesForgedTamperedAndCrossFilterCursors(t *testing.T) {
	f := setup(t)
	ws, other := f.workspace("w"), f.workspace("o")
	env := f.environment(ws, "e")
	f.member(ws, "alice", "owner")
	f.member(other, "alice", "owner")
	for range 3 {
		f.run(ws, runSpec{env: &env, age: time.Hour})
		f.run(other, runSpec{age: time.Hour})
	}
	alice := f.as("alice")
	running, queued := new(apiclient.ListRunsParamsStatusRunning), new(apiclient.ListRunsParamsStatusQueued)
	p := ok(t, alice.listRuns(ws, apiclient.ListRunsParams{Limit: new(1), Status: running})).JSON200
	cursor := *p.NextCursor
	ok(t, alice.listRuns(ws, apiclient.ListRunsParams{Limit: new(1), Status: running, Cursor: &cursor}))

	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	require.NoError(t, err)
	flip := func(i int) *string {
		b := slices.Clone(raw)
		b[i] ^= 1
		return new(base64.RawURLEncoding.EncodeToString(b))
	}
	forged := base64.RawURLEncoding.EncodeToString(make([]byte, len(raw)))
	type query struct {
		ws     int64
		params apiclient.ListRunsParams
	}
	bad := map[string]query{
		"tampered position": {ws, apiclient.ListRunsParams{Status: running, Cursor: flip(12)}},
		"tampered mac":      {ws, apiclient.ListRunsParams{Status: running, Cursor: flip(len(raw) - 1)}},
		"forged":            {ws, apiclient.ListRunsParams{Status: running, Cursor: &forged}},
		"truncated":         {ws, apiclient.ListRunsParams{Status: running, Cursor: new(cursor[:len(cursor)-2])}},
		"not base64":        {ws, apiclient.ListRunsParams{Status: running, Cursor: new("!!!")}},
		"other filters":     {ws, apiclient.ListRunsParams{Status: queued, Cursor: &cursor}},
		"filter dropped":    {ws, apiclient.ListRunsParams{Cursor: &cursor}},
		"filter added":      {ws, apiclient.ListRunsParams{Status: running, Environment: &env, Cursor: &cursor}},
		"other workspace":   {other, apiclient.ListRunsParams{Status: running, Cursor: &cursor}},
	}
	for name, q := range bad {
		res := status(t, http.StatusBadRequest, alice.listRuns(q.ws, q.params))
		require.Equal(t, []string{"cursor"}, fieldsOf(t, res.ApplicationproblemJSON400), name)
	}
}
