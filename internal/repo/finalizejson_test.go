package repo

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
)

// The appenders write the bytes encoding/json writes for the same values.
func TestFinalizeJSONIsEncodingJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 5, 6, 7, 890123456, time.UTC)
	recs := []domain.Reconciliation{
		{},
		{Decision: domain.DecisionFinalized, Outcome: domain.OutcomeSucceeded, ReasonCode: "inventory.complete",
			Explanation: "Inventory captured in full: 3 policy types succeeded, with 22 items observed.",
			Proof:       map[string]any{"attempted": int64(3), "items_observed": int64(22), "failed": int64(0)},
			Links:       []domain.Link{}, Source: domain.SourceSweep, Actor: "system", Adapter: "inventory.sync/v1",
			PreviousStatus: domain.StatusRunning, ReconciledAt: at},
		{Decision: domain.DecisionFinalized, Outcome: domain.OutcomePartiallySucceeded, ReasonCode: "backup.partial",
			Explanation: `quotes " and \ backslash, <html> & ampersand, tab	and newline` + "\n",
			Proof: map[string]any{"set_status": "running", "b": true, "n": 7, "none": nil, "ids": []int64{3, 1},
				"f": 1.5, "nested": map[string]any{"z": 1, "a": "x"}, "": "empty key", "<k>": int64(-9)},
			Links:  []domain.Link{{Rel: domain.RelBackupSet, ID: 4}, {Rel: "x&y", ID: math.MaxInt64}},
			Source: domain.SourceManual, Actor: "opérateur ✓", Adapter: "backup.schedule.execute/v1",
			PreviousStatus: domain.StatusQueued, ReconciledAt: at.Truncate(time.Second).In(time.FixedZone("", 5*3600+1800)),
			Note: "invalid \xff utf-8, U+2028 \u2028, control \x01"},
		{Outcome: domain.OutcomeFailed, Proof: map[string]any{}, ReconciledAt: at.Truncate(time.Millisecond), Note: "n"},
	}
	full := reflect.ValueOf(recs[2])
	for i := range full.NumField() {
		require.False(t, full.Field(i).IsZero(), "set %s in the full case: the appender must write it", full.Type().Field(i).Name)
	}
	for _, r := range recs {
		want, err := json.Marshal(r)
		require.NoError(t, err)
		got, err := new(jsonWriter).appendReconciliation([]byte("prefix"), r)
		require.NoError(t, err)
		require.Equal(t, "prefix"+string(want), string(got))
	}
	var w jsonWriter // reused, as by a statement's runs
	for _, counts := range []map[string]int64{nil, {}, {"expected": 10, "captured": 9, "a&b": -1}} {
		want, err := json.Marshal(counts)
		require.NoError(t, err)
		if counts == nil {
			want = []byte("{}") // the statement merges it into the run's counts
		}
		require.Equal(t, string(want), string(w.appendCounts(nil, counts)))
	}

	_, err := w.appendReconciliation(nil, domain.Reconciliation{Proof: map[string]any{"nan": math.NaN()}})
	require.ErrorContains(t, err, `proof "nan"`)
	_, err = w.appendReconciliation(nil, domain.Reconciliation{ReconciledAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.Error(t, err)
}
