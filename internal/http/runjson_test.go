package http

import (
	"encoding/json"
	"math/rand/v2"
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
		Links: RunLinks{Self: "/workspaces/1/operations/5", Related: []RelatedLink{
			{Rel: "backup_set", ID: new(int64(55)), Href: "/workspaces/1/backup-sets/55"}, {Rel: "inventory_items", Href: "/x?seen_by_run=<5>&"}}},
		CreatedAt: at, StartedAt: new(at.Add(time.Second)), LastHeartbeatAt: new(at.Add(time.Minute)), CompletedAt: new(at.Add(time.Hour)),
		Reconciliation: readRecord(json.RawMessage(`{"explanation": "a <b> & c \u2028", "proof": {"failed": 2, "set_status": "running"}, "links": [],
			"reconciled_at": "2026-11-26T12:00:00.5+01:00", "note": "n"}`)),
		Context:  json.RawMessage(` { "inventory" : { } } `),
		Failures: failuresOf(json.RawMessage(`[ {"code": "boom"}, 5, {"reason_code": "x", "message": "<m>"} ]`)),
	}
	empty := Run{Links: RunLinks{Related: []RelatedLink{}}, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)),
		Failures: failuresOf(json.RawMessage(`[]`))}
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

// appendTime must write what time.Format writes (and encoding/json, for
// years 0-9999), on any instant.
func TestAppendTimeMatchesFormat(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	zone := time.FixedZone("x", -5*3600-30*60)
	instants := []time.Time{{}, time.Unix(0, 0).UTC(), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 26, 12, 30, 15, 100, time.UTC), time.Date(2026, 11, 26, 12, 30, 15, 0, zone)}
	for range 200_000 {
		at := time.Unix(rng.Int64N(300*365*86400)-100*365*86400, 0)
		switch rng.IntN(4) { // whole seconds, microseconds (as PostgreSQL stores), nanoseconds
		case 1:
			at = at.Add(time.Duration(rng.IntN(1e6)) * time.Microsecond)
		case 2, 3:
			at = at.Add(time.Duration(rng.IntN(1e9)))
		}
		instants = append(instants, at.UTC())
	}
	instants = append(instants, time.Now(), time.Now().In(zone))
	for _, at := range instants {
		require.Equal(t, `"`+at.Format(time.RFC3339Nano)+`"`, string(appendTime(nil, at)))
	}
}

// appendRaw must write what encoding/json writes for a json.RawMessage.
func TestAppendRawMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	docs := []string{`{}`, `[]`, ` null `, `"x"`, `1.5e3`, "{\n\t\"a\" : [ 1 , 2 ],\r\n \"b\": {\"c\": null}}",
		`{"k": "a \"<q>\" \\ & \u2028 \/", "e": "x` + "\u2028\u2029 é \xe2\x80 <>&" + `", "n": [true, false, -0.5]}`,
		`{"s": "\\", "t": "\\\"", "u": " spaced  out "}`, `"` + "\xe2" + `"`, `"ends with e2 80 ` + "\xe2\x80" + `"`}
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{`{`, `}`, `[`, `]`, `"`, `\"`, `\\`, ` `, "\n", `,`, `:`, `<`, `>`, `&`, "\u2028", "\u2029", "é", "\xe2", "a", "1"}
	for range 20_000 { // random byte soups that happen to be valid JSON
		var sb strings.Builder
		for range rng.IntN(30) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if json.Valid([]byte(sb.String())) {
			docs = append(docs, sb.String())
		}
		docs = append(docs, `{"v": "`+strings.ReplaceAll(sb.String(), `"`, `'`)+`"}`)
	}
	for _, doc := range docs {
		if !json.Valid([]byte(doc)) {
			continue
		}
		want, err := json.Marshal(json.RawMessage(doc))
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendRaw([]byte("kept:"), json.RawMessage(doc)))[len("kept:"):], doc)
	}
	require.Equal(t, "null", string(appendRaw(nil, nil)))
}

// appendString must write what encoding/json writes for any string, wherever
// an escape falls relative to the 8-byte words it scans.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "Z", "0", " ", "·", "é", "日本", "\u2028", "\u2029", "\xe2", "\xe2\x80", "\xff",
		`"`, `\`, "<", ">", "&", "\x00", "\x1f", "\t", "\n", "\x7f", "~", "/", "'", "abcdefgh"}
	strs := []string{"", "plain ascii only, longer than eight bytes", "Inventory sync · partially succeeded · 2 failed"}
	for range 50_000 {
		var sb strings.Builder
		for range rng.IntN(24) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		strs = append(strs, sb.String())
	}
	for _, s := range strs {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendString([]byte("kept:"), s))[len("kept:"):], "%q", s)
	}
}
