package jsonscan

import (
	"encoding/json"
	"testing"
)

// seeds are valid JSON texts chosen for the scanner's edge cases: escapes
// that hide quotes and brackets, nesting, and scalars ended by a delimiter.
var seeds = []string{
	`{}`, `[]`, `""`, `0`, `-1.5e+3`, `true`, `false`, `null`,
	` {"a": 1} `, "\t[1,\n2]\r\n",
	`"a\"b"`, `"a\\"`, `"\\\""`, `"]}{["`, `"\u0022"`,
	`{"k\"}": ["]", {"x": "\\"}], "n": null}`,
	`[[[[]]], {"a": [{}]}, "[", "{"]`,
	`{"summary_counts": {"failed": 2, "succeeded": 10}, "note": "ok, \"fine\""}`,
}

// A valid JSON text is one value with optional space around it: skipping
// space, the value and space again must reach the end.
func checkWholeText(t *testing.T, text string) {
	t.Helper()
	b := []byte(text)
	start := SkipSpace(b, 0)
	end := ValueEnd(b, start)
	if end < 0 || SkipSpace(b, end) != len(b) {
		t.Fatalf("ValueEnd(%q, %d) = %d; the value ends at %d", text, start, end, len(b)-len(trimRightSpace(b)))
	}
}

// A container or string cut before its closing byte is unclosed: ValueEnd
// must say so rather than report a boundary inside it.
func checkCutIsUnclosed(t *testing.T, text string) {
	t.Helper()
	b := []byte(text)
	start := SkipSpace(b, 0)
	if c := b[start]; c != '{' && c != '[' && c != '"' {
		return // a cut scalar is still a scalar
	}
	end := len(trimRightSpace(b))
	for cut := start + 1; cut < end; cut++ {
		if got := ValueEnd(b[:cut], start); got != -1 {
			t.Fatalf("ValueEnd(%q, %d) = %d; want -1 for a value cut short", b[:cut], start, got)
		}
	}
}

func trimRightSpace(b []byte) []byte {
	for len(b) > 0 && SkipSpace(b, len(b)-1) == len(b) {
		b = b[:len(b)-1]
	}
	return b
}

func TestValueEndFindsTheEndOfValidJSON(t *testing.T) {
	t.Parallel()
	for _, s := range seeds {
		if !json.Valid([]byte(s)) {
			t.Fatalf("seed %q is not valid JSON", s)
		}
		checkWholeText(t, s)
		checkCutIsUnclosed(t, s)
	}
}

func TestValueEndStopsAtDelimiters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		at   int
		want int
	}{
		{`12,3`, 0, 2},
		{`true}`, 0, 4},
		{`[1,true]`, 3, 7},
		{`[null]`, 1, 5},
		{`{"a":-2.5}`, 5, 9},
		{"1\t2", 0, 1},
		{`{"a":1},{"b":2}`, 0, 7},
		{`{"a":1},{"b":2}`, 8, 15},
		{`"x",`, 0, 3},
		{`,`, 0, 0}, // a delimiter starts no value
		{`:1`, 0, 0},
		{``, 0, -1},
		{`1`, 1, -1},
	}
	for _, c := range cases {
		if got := ValueEnd([]byte(c.in), c.at); got != c.want {
			t.Errorf("ValueEnd(%q, %d) = %d, want %d", c.in, c.at, got, c.want)
		}
	}
}

func FuzzValueEnd(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !json.Valid([]byte(text)) {
			ValueEnd([]byte(text), SkipSpace([]byte(text), 0)) // must not panic
			return
		}
		checkWholeText(t, text)
		checkCutIsUnclosed(t, text)
	})
}
