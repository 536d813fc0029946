package proof_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/proof"
)

// FuzzParseClaims checks the lenient context reader: it never panics, and a
// valid document reads the same after encoding/json re-encodes it (other
// whitespace, member order and escapes), so it agrees with encoding/json on
// what the document says.
func FuzzParseClaims(f *testing.F) {
	for _, seed := range []string{
		`{}`, `[]`, `null`, `"x"`, `{"inventory": 1}`, `{"inventory": {`, `{"a": "\"}`,
		`{"inventory": {"attempted_types": ["a", "b", "a", 7, ""], "coverage": {"a": {"status": "succeeded", "item_count": 4},
			"b": {"status": "failed", "error_code": "x"}}, "blocked_reason": {"reason_code": "r", "message": "m"}}}`,
		`{"inventory": {"attempted_types": ["\u0061", "b\"c"], "coverage": {"a": {"status": "succ\u0065eded"}, "b\"c": {"status": "skipped", "reason_code": "q"}}}}`,
		`{"inventory": {"attempted_types": "a", "coverage": [], "blocked_reason": "provider_connection_missing"}, "inventory": {"attempted_types": ["z"]}}`,
		`{"baseline_capture": {"baseline_profile_id": 7, "baseline_snapshot_id": 91, "eligibility": {"status": "blocked", "reason_code": "i"},
			"gaps": {"count": 3, "by_reason": {"a": 2}}, "meta_fallback_count": 1}}`,
		`{"baseline_capture": {"baseline_snapshot_id": "91", "baseline_profile_id": 1.0, "gaps": {"count": -1}, "meta_fallback_count": 1e2}}`,
		`{"backup_schedule_id": 3, "backup_set_id": 99999999999999999999, "backup_schedule": {"skip_reason": {"reason_code": "s"}}}`,
		` { "backup_set_id" : 55 , "backup_schedule" : { "skip_reason" : "  " } } `,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		inv, base, bak := proof.ParseInventoryClaims(doc), proof.ParseBaselineClaims(doc), proof.ParseBackupClaims(doc)
		if !json.Valid(doc) {
			return
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(doc))
		dec.UseNumber() // numbers stay exact
		require.NoError(t, dec.Decode(&v))
		again, err := json.Marshal(v)
		require.NoError(t, err)
		require.Equal(t, inv, proof.ParseInventoryClaims(again), "inventory of %s", doc)
		require.Equal(t, base, proof.ParseBaselineClaims(again), "baseline of %s", doc)
		require.Equal(t, bak, proof.ParseBackupClaims(again), "backup of %s", doc)
	})
}
