package wording

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
)

func TestDurationsAsPeopleSayThem(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Minute:                    "less than a minute",
		0:                               "less than a minute",
		59 * time.Second:                "less than a minute",
		time.Minute:                     "1 minute",
		45*time.Minute + 59*time.Second: "45 minutes",
		time.Hour:                       "1 hour",
		90 * time.Minute:                "1 hour 30 minutes",
		61 * time.Minute:                "1 hour 1 minute",
		2*time.Hour + 59*time.Minute:    "2 hours",
		47 * time.Hour:                  "47 hours",
		48 * time.Hour:                  "2 days",
		73 * time.Hour:                  "3 days",
	} {
		require.Equal(t, want, duration(d), "%v", d)
	}
	require.Equal(t, "just now", ago(30*time.Second))
	require.Equal(t, "2 hours ago", ago(2*time.Hour))
}

func TestCountersInPlainWords(t *testing.T) {
	for key, want := range map[string][2]string{
		"devices_skipped":     {"1 device skipped", "2 devices skipped"},
		"skipped_devices":     {"1 skipped device", "2 skipped devices"},
		"item_count":          {"1 item", "2 items"},
		"itemCount":           {"1 item", "2 items"},
		"meta_fallback_count": {"1 meta fallback", "2 meta fallbacks"},
		"num_retries":         {"1 retry", "2 retries"},
		"number_of_batches":   {"1 batch", "2 batches"},
		"not_reached":         {"1 not reached", "2 not reached"},
		"assignments_missing": {"1 assignment missing", "2 assignments missing"},
		"succeeded":           {"1 succeeded", "2 succeeded"},
		"status":              {"1 status", "2 statuses"},
		"policy.types-failed": {"1 policy type failed", "2 policy types failed"},
		"count":               {"1 count", "2 counts"},
	} {
		require.Equal(t, want[0], humanized(counts{{[]byte(key), 1}})[0], key)
		require.Equal(t, want[1], humanized(counts{{[]byte(key), 2}})[0], key)
	}
	require.Empty(t, humanized(readCounts([]byte(`{"bad key": 3, "<b>": 1, "ok": 0}`))), "free text and zeros are left out")
	require.Equal(t, []string{"9 eggs", "8 dates", "7 cherries", "5 apples", "2 more counts"},
		humanized(readCounts([]byte(`{"apples": 5, "bananas": 5, "cherries": 7, "dates": 8, "eggs": 9, "figs": 1}`))),
		"biggest first, ties by key, at most four")
	require.Equal(t, []string{"3 retries"}, humanized(readCounts([]byte(`{"retries": 1, "retries": 3}`))), "the last of a key wins")
}

func TestCountsReadAnyObject(t *testing.T) {
	read := func(doc string) map[string]int64 {
		c := readCounts([]byte(doc))
		if c == nil {
			return nil
		}
		m := map[string]int64{}
		for _, x := range c {
			m[string(x.key)] = c.get(string(x.key))
		}
		return m
	}
	for doc, want := range map[string]map[string]int64{
		`{}`:                                    {},
		` { "a" : 1 , "b":-2 } `:                {"a": 1, "b": -2},
		`{"a": 1, "b": 1.5, "c": -2, "d": "3"}`: {"a": 1, "c": -2},
		`{"a": 1, "n": null, "o": {"x": 1}}`:    {"a": 1},
		`{"a\u0062": 4}`:                        {"ab": 4},
		`{"big": 99999999999999999999}`:         {},
		`[1, 2]`:                                nil,
		`"x"`:                                   nil,
		``:                                      nil,
		`{"a": 1`:                               nil,
		`{"a": 1} x`:                            nil,
	} {
		require.Equal(t, want, read(doc), "%s", doc)
	}
}

func TestCodesAreQuotedOnlyWhenTheyLookLikeCodes(t *testing.T) {
	require.Equal(t, "graph_throttled", SafeCode("graph_throttled"))
	require.Equal(t, "Microsoft.Graph/v1:429-x", SafeCode("Microsoft.Graph/v1:429-x"))
	for _, free := range []string{"Reconnect {tenant}.", "_leading", "two words", "<b>", string(make([]byte, 81))} {
		require.Equal(t, "unrecognized code", SafeCode(free), "%q", free)
	}
	require.Empty(t, SafeCode(""))
	require.Equal(t, " (a, b, c and 2 more)", codeList([]string{"a", "b", "", "a", "c", "d", "e"}))
	require.Equal(t, " (a, unrecognized code)", codeList([]string{"a", "x y", "{}"}))
	require.Empty(t, codeList(nil))
}

func TestFamilyNames(t *testing.T) {
	require.Equal(t, "Scheduled backup", FamilyName(domain.FamilyBackupScheduleExecute))
	require.Equal(t, "Review pack", FamilyName(domain.FamilyReviewPackGenerate))
	require.Equal(t, "Device compliance sync", FamilyName("deviceCompliance.sync"))
	require.Equal(t, "Unrecognized run type", FamilyName("inventory.sync "))
	require.Equal(t, "runs of this type", familyRuns("{x}"))
	require.Equal(t, "inventory sync runs", familyRuns(domain.FamilyInventorySync))
}
