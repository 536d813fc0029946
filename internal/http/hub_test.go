package http_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type hubPage struct {
	Items []struct {
		ID          int64  `json:"id"`
		Type        string `json:"type"`
		Environment *struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"environment"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func decodePage(t *testing.T, res response) hubPage {
	t.Helper()
	require.Equal(t, http.StatusOK, res.Code, string(res.Body))
	var p hubPage
	require.NoError(t, json.Unmarshal(res.Body, &p))
	return p
}

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

	p := decodePage(t, f.get(hubPath(ws, ""), f.token("alice")))
	ids := []int64{}
	for _, it := range p.Items {
		ids = append(ids, it.ID)
	}
	require.Equal(t, []int64{newest, tieB, tieA, old}, ids, "created_at DESC, id DESC")
	require.Nil(t, p.NextCursor)
	require.Equal(t, "inventory.sync", p.Items[0].Type, "aliases are shown canonical")
	require.Nil(t, p.Items[0].Environment)
	require.Equal(t, env, p.Items[3].Environment.ID)
	require.Equal(t, "Contoso", p.Items[3].Environment.Name)

	// Hub items carry exactly the contract's keys: never context or failures.
	var raw struct{ Items []map[string]any }
	require.NoError(t, json.Unmarshal(f.get(hubPath(ws, ""), f.token("alice")).Body, &raw))
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
	p := decodePage(t, f.get(hubPath(ws, ""), f.token("alice")))
	require.Len(t, p.Items, 50)
	require.NotNil(t, p.NextCursor)
	rest := decodePage(t, f.get(hubPath(ws, "cursor="+*p.NextCursor), f.token("alice")))
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
	tok := f.token("alice")

	cases := map[string][]int64{
		"":                                     {freshQueued, freshRunning, staleQueued, backupNotYet, staleRunning, succeeded, failed, heartbeatKeepsFresh},
		"environment=" + itoa(e1):              {staleQueued, backupNotYet, staleRunning, failed},
		"type=inventory.sync":                  {freshRunning, staleRunning, heartbeatKeepsFresh},
		"type=intune.inventory.sync":           {freshRunning, staleRunning, heartbeatKeepsFresh},
		"type=baseline.capture":                {freshQueued, staleQueued},
		"type=backup.schedule.execute":         {backupNotYet, succeeded},
		"type=policy.sync":                     {failed},
		"type=no.such.family":                  {},
		"status=queued":                        {freshQueued, staleQueued},
		"status=completed":                     {succeeded, failed},
		"outcome=pending":                      {freshQueued, freshRunning, staleQueued, backupNotYet, staleRunning, heartbeatKeepsFresh},
		"outcome=failed":                       {failed},
		"stale=true":                           {staleQueued, staleRunning},
		"stale=false":                          {freshQueued, freshRunning, backupNotYet, succeeded, failed, heartbeatKeepsFresh},
		"stale=true&environment=" + itoa(e1):   {staleQueued, staleRunning},
		"stale=true&type=baseline.capture":     {staleQueued},
		"status=running&stale=false&limit=200": {freshRunning, backupNotYet, heartbeatKeepsFresh},
	}
	// Runs that share created_at come higher id first.
	// heartbeatKeepsFresh was created first of all (5 h ago), so it is last.
	for query, want := range cases {
		got := itemIDs(t, f.get(hubPath(ws, query), tok))
		require.Equal(t, want, got, query)
	}
	// The stale flag of each item agrees with the stale filter.
	for _, it := range decodeRaw(t, f.get(hubPath(ws, "stale=true"), tok)) {
		require.Equal(t, true, it["stale"])
	}
	for _, it := range decodeRaw(t, f.get(hubPath(ws, "stale=false"), tok)) {
		require.Equal(t, false, it["stale"])
	}
}

func decodeRaw(t *testing.T, res response) []map[string]any {
	t.Helper()
	var p struct {
		Items []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal(res.Body, &p))
	return p.Items
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
	tok := f.token("alice")
	seen := map[int64]int{}
	var order []int64
	path := hubPath(ws, "limit=4")
	pages := 0
	for {
		p := decodePage(t, f.get(path, tok))
		pages++
		for _, it := range p.Items {
			seen[it.ID]++
			order = append(order, it.ID)
		}
		// A new run arrives between page fetches.
		f.run(ws, runSpec{age: 0})
		if p.NextCursor == nil {
			break
		}
		require.Len(t, p.Items, 4)
		path = hubPath(ws, "limit=4&cursor="+url.QueryEscape(*p.NextCursor))
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
	tok := f.token("alice")
	p := decodePage(t, f.get(hubPath(ws, "limit=1"), tok))
	require.Equal(t, c, p.Items[0].ID)
	require.Equal(t, []int64{b, a}, itemIDs(t, f.get(hubPath(ws, "limit=50&cursor="+*p.NextCursor), tok)))
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
	tok := f.token("alice")
	p := decodePage(t, f.get(hubPath(ws, "limit=1&status=running"), tok))
	cursor := *p.NextCursor
	require.Equal(t, http.StatusOK, f.get(hubPath(ws, "limit=1&status=running&cursor="+cursor), tok).Code)

	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	require.NoError(t, err)
	flip := func(i int) string {
		b := slices.Clone(raw)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	forged := base64.RawURLEncoding.EncodeToString(make([]byte, len(raw)))
	bad := map[string]string{
		"tampered position": hubPath(ws, "status=running&cursor="+flip(12)),
		"tampered mac":      hubPath(ws, "status=running&cursor="+flip(len(raw)-1)),
		"forged":            hubPath(ws, "status=running&cursor="+forged),
		"truncated":         hubPath(ws, "status=running&cursor="+cursor[:len(cursor)-2]),
		"not base64":        hubPath(ws, "status=running&cursor=!!!"),
		"other filters":     hubPath(ws, "status=queued&cursor="+cursor),
		"filter dropped":    hubPath(ws, "cursor="+cursor),
		"filter added":      hubPath(ws, "status=running&environment="+itoa(env)+"&cursor="+cursor),
		"other workspace":   hubPath(other, "status=running&cursor="+cursor),
	}
	for name, path := range bad {
		res := f.get(path, tok)
		require.Equal(t, http.StatusBadRequest, res.Code, name)
		require.Equal(t, []string{"cursor"}, problemFields(t, res), name)
	}
}
