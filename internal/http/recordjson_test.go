package http

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// DecisionRecord's appendJSON must write what encoding/json writes, with
// every field set (each proof figure alone and all together), none, and a
// time encoding/json refuses.
func TestRecordAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	full := DecisionRecord{Decision: "finalized", Outcome: "failed", ReasonCode: "x.y", Explanation: "a <b> & \"c\" \u2028",
		Links: []ArtifactLink{{Rel: "backup_set", ID: 2, Href: "/workspaces/1/backup-sets/2"}, {Rel: "baseline_snapshot", ID: -3, Href: "/x"}}, Source: "manual",
		Actor: "me", Adapter: "generic/v1", PreviousStatus: "running", Note: "n\n",
		ReconciledAt: time.Date(2026, 11, 26, 12, 0, 0, 500, time.FixedZone("x", 3600))}
	records := map[string]DecisionRecord{"empty": {}, "full": full}
	proof := reflect.ValueOf(&full.Proof).Elem()
	for i := range proof.NumField() {
		f := proof.Field(i)
		v := reflect.New(f.Type().Elem())
		if v.Elem().Kind() == reflect.String {
			v.Elem().SetString("s<" + proof.Type().Field(i).Name)
		} else {
			v.Elem().SetInt(int64(i*7 - 20))
		}
		f.Set(v)
		alone := DecisionRecord{}
		reflect.ValueOf(&alone.Proof).Elem().Field(i).Set(v)
		records[proof.Type().Field(i).Name] = alone
	}
	records["full"] = full
	records["bad time"] = DecisionRecord{ReconciledAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	for name, rec := range records {
		want, err := json.Marshal(&rec)
		if err != nil {
			want = []byte("null")
		}
		require.Equal(t, string(want), string(rec.appendJSON(nil)), name)
	}
	require.Equal(t, "null", string((*DecisionRecord)(nil).appendJSON(nil)))
}
