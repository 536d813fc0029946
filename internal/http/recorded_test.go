package http

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// readReconciliation must read what json.Unmarshal reads, whether or not the
// fast path takes the object.
func TestReadReconciliationMatchesUnmarshal(t *testing.T) {
	t.Parallel()
	fast := []string{
		`{}`, `{ } `,
		`{"decision": "finalized", "outcome": "partially_succeeded", "reason_code": "inventory.partial_coverage", "explanation": "Inventory partly captured: 1 of 3 policy types succeeded; 1 failed (graph_throttled), 1 skipped.", "proof": {"attempted": 3, "succeeded": 1, "nested": [{"a": "}]\"["}, []]}, "links": [], "source": "sweep", "reconciled_at": "2026-11-26T12:00:00+00:00"}`,
		`{"explanation": null, "reason_code": "x", "links": null}`,
		`{"explanation": "a", "explanation": null}`,
		`{"explanation": "é 日本 <b>", "n": -1.5e3, "t": true, "f": false, "z": null, "links": [ ]}`,
		"{\n\t\"reason_code\" : \"r\" ,\r\n\"other\":\"\\\"\"}",
	}
	slow := []string{
		`{"explanation": "with \"escape\""}`,
		`{"Explanation": "folded"}`,
		`{"REASON_CODE": "folded", "reason_code": "exact"}`,
		`{"lin\u006bs": [{"rel": "x", "id": 1}]}`,
		"{\"lin\u212as\": [{\"rel\": \"kelvin\", \"id\": 2}]}",
		`{"links": [{"rel": "backup_set", "id": 55}]}`,
		`{"explanation": 5}`,
		`{"links": {}}`,
		`{"links": [{"rel": "x", "id": 1.5}]}`,
		`{"reason_code": ["x"]}`,
		"{\"explanation\": \"bad \xff utf-8\"}",
	}
	for _, doc := range append(append([]string{}, fast...), slow...) {
		var want recorded
		wantOK := json.Unmarshal([]byte(doc), &want) == nil
		got := readReconciliation(json.RawMessage(doc))
		if !wantOK {
			require.Nil(t, got, doc)
			continue
		}
		require.NotNil(t, got, doc)
		if len(want.Links) == 0 {
			want.Links = nil // appended to the run's links: empty and nil are alike
		}
		if len(got.Links) == 0 {
			got.Links = nil
		}
		require.Equal(t, want, *got, doc)
	}
	for _, doc := range fast {
		_, ok := plainRecorded([]byte(doc))
		require.True(t, ok, "fast path: %s", doc)
	}
	for _, doc := range slow {
		_, ok := plainRecorded([]byte(doc))
		require.False(t, ok, "slow path: %s", doc)
	}
	for _, doc := range []string{``, `null`, `[]`, `"x"`} {
		require.Nil(t, readReconciliation(json.RawMessage(doc)), doc)
	}
}
