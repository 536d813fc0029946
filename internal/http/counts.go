package http

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/runproof/runproof/internal/jsonscan"
)

// counts lists the numbers of summary_counts as "2 failed, 10 succeeded",
// in key order; "" when there are none (or it is not a JSON object). Every
// run of a hub page has its counts read, so the common shape is read by
// hand: BenchmarkHub (hub_bench_test.go) shows it pays over json.Unmarshal.
func counts(raw json.RawMessage) string {
	var buf [8]count
	entries, ok := flatNumbers(raw, buf[:0])
	if !ok {
		entries = numbersOf(raw)
	}
	slices.SortFunc(entries, func(a, b count) int { return bytes.Compare(a.key, b.key) })
	var sb strings.Builder
	sb.Grow(len(raw))
	for i, e := range entries {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.Write(e.number)
		sb.WriteByte(' ')
		sb.WriteString(strings.ReplaceAll(string(e.key), "_", " "))
	}
	return sb.String()
}

type count struct{ key, number []byte }

// flatNumbers reads the common shape of summary_counts quickly: one flat
// object of plain keys and number values, appended to entries. ok is false
// for anything else.
func flatNumbers(raw []byte, entries []count) (_ []count, ok bool) {
	i := jsonscan.SkipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	i = jsonscan.SkipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return nil, jsonscan.SkipSpace(raw, i+1) == len(raw)
	}
	for i < len(raw) && raw[i] == '"' {
		end := bytes.IndexByte(raw[i+1:], '"')
		if end < 0 || bytes.IndexByte(raw[i+1:i+1+end], '\\') >= 0 {
			return nil, false
		}
		key := raw[i+1 : i+1+end]
		i = jsonscan.SkipSpace(raw, i+2+end)
		if i >= len(raw) || raw[i] != ':' {
			return nil, false
		}
		i = jsonscan.SkipSpace(raw, i+1)
		start := i
		for i < len(raw) && strings.IndexByte("-+.eE0123456789", raw[i]) >= 0 {
			i++
		}
		if i == start {
			return nil, false
		}
		entries = append(entries, count{key: key, number: raw[start:i]})
		i = jsonscan.SkipSpace(raw, i)
		if i < len(raw) && raw[i] == '}' {
			return entries, jsonscan.SkipSpace(raw, i+1) == len(raw)
		}
		if i >= len(raw) || raw[i] != ',' {
			return nil, false
		}
		i = jsonscan.SkipSpace(raw, i+1)
	}
	return nil, false
}

// numbersOf reads the number values of any JSON object, ignoring the rest.
func numbersOf(raw []byte) []count {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var entries []count
	for k, v := range m {
		if len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
			entries = append(entries, count{key: []byte(k), number: v})
		}
	}
	return entries
}
