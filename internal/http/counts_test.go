package http

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCounts(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`{}`:                                   "",
		` { } `:                                "",
		`{"failed": 2, "succeeded": 10}`:       "2 failed, 10 succeeded",
		`{"succeeded":10,"failed":2}`:          "2 failed, 10 succeeded",
		`{"items_seen": 1.5e3, "b": -1}`:       "-1 b, 1.5e3 items seen",
		`{"a": 1, "note": "x", "n": {"k": 1}}`: "1 a",
		`{"we\"ird": 1, "ok": true}`:           "1 we\"ird",
		`{"a": 1,}`:                            "",
		`{"a": 1} trailing`:                    "",
		`[1, 2]`:                               "",
		`not json`:                             "",
		``:                                     "",
	}
	for raw, want := range cases {
		require.Equal(t, want, counts([]byte(raw)), raw)
	}
}
