package http

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// appendJSON must write exactly what encoding/json writes from the struct
// tags, which the OpenAPI document is generated from.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 26, 12, 30, 15, 123456000, time.UTC)
	awkward := "quote \" backslash \\ tab \t nl \n cr \r bs \b ff \f nul \x00 ctl \x1f <b>&amp; \u2028\u2029 é 日本 \xff bad"
	full := Run{
		ID: 5, WorkspaceID: 1, Environment: &Environment{ID: 2, Name: awkward},
		Type: "inventory.sync", Status: "completed", Outcome: "partially_succeeded", OutcomeLabel: "Partially succeeded",
		Stale: true, Summary: "Inventory sync · partially succeeded · 2 failed", Explanation: new(awkward),
		ReasonCode: new("inventory.partial_coverage"), NextAction: &NextAction{Label: "Reconcile", Href: "/x?a=1&b=<2>"},
		Links:     RunLinks{Self: "/workspaces/1/operations/5", Related: []RelatedLink{{Rel: "backup_set", ID: 55}, {Rel: "x", ID: -1}}},
		CreatedAt: at, StartedAt: new(at.Add(time.Second)), LastHeartbeatAt: new(at.Add(time.Minute)), CompletedAt: new(at.Add(time.Hour)),
		Reconciliation: json.RawMessage(`{"explanation": "a <b> & c \u2028", "proof": {"n": [1, 2.5, null, true]}, "links": []}`),
		Context:        json.RawMessage(` { "inventory" : { } } `),
		Failures:       json.RawMessage(`[ {"code": "boom"} ]`),
	}
	empty := Run{Links: RunLinks{Related: []RelatedLink{}}, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))}
	for name, run := range map[string]Run{"full": full, "empty": empty} {
		want, err := json.Marshal(run)
		require.NoError(t, err)
		require.Equal(t, string(want), string(run.appendJSON(nil)), name)
	}
	page := HubPage{Items: []Run{full, empty}, NextCursor: new("abc")}
	want, err := json.Marshal(page)
	require.NoError(t, err)
	require.Equal(t, string(want), string(page.appendJSON(nil)))
	none := HubPage{Items: []Run{}}
	want, err = json.Marshal(none)
	require.NoError(t, err)
	require.Equal(t, string(want), string(none.appendJSON([]byte("prefix")))[len("prefix"):])
	require.True(t, strings.HasPrefix(string(full.appendJSON([]byte("kept:"))), "kept:{"))
}
