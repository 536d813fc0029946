package wording

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// counts are the whole-number values of a run's summary_counts, in the
// order written. Keys are kept as the bytes of the document: a hub page
// reads one per row, and the figures of a family need no key copied.
type counts []count

type count struct {
	key []byte
	n   int64
}

// readCounts reads the whole numbers of a summary_counts object; a document
// that is no object reads as none, and values that are no whole number are
// left out. The common shape, one flat object of whole numbers, is read by
// flatCounts; BenchmarkSummary shows it pays (about a fifth of the
// allocations of encoding/json, which reads every other shape).
func readCounts(raw []byte) counts {
	if c, ok := flatCounts(raw); ok {
		return c
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if d.Decode(&m) != nil || d.More() {
		return nil
	}
	out := make(counts, 0, len(m))
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				out = append(out, count{[]byte(k), i})
			}
		}
	}
	return out
}

// flatCounts reads an object whose keys hold no escapes and whose values
// are all whole numbers; ok is false for anything else.
func flatCounts(raw []byte) (_ counts, ok bool) {
	i := skipSpace(raw, 0)
	if i == len(raw) || raw[i] != '{' {
		return nil, false
	}
	out := make(counts, 0, bytes.Count(raw, colon)) // a key per colon at most
	if i = skipSpace(raw, i+1); i < len(raw) && raw[i] == '}' {
		return out, skipSpace(raw, i+1) == len(raw)
	}
	for i < len(raw) && raw[i] == '"' {
		end := bytes.IndexByte(raw[i+1:], '"')
		if end < 0 || bytes.IndexByte(raw[i+1:i+1+end], '\\') >= 0 {
			return nil, false
		}
		key := raw[i+1 : i+1+end]
		if i = skipSpace(raw, i+2+end); i == len(raw) || raw[i] != ':' {
			return nil, false
		}
		i = skipSpace(raw, i+1)
		start := i
		if i < len(raw) && raw[i] == '-' {
			i++
		}
		for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
			i++
		}
		n, err := strconv.ParseInt(string(raw[start:i]), 10, 64)
		if err != nil {
			return nil, false
		}
		out = append(out, count{key, n})
		switch i = skipSpace(raw, i); {
		case i < len(raw) && raw[i] == '}':
			return out, skipSpace(raw, i+1) == len(raw)
		case i == len(raw) || raw[i] != ',':
			return nil, false
		}
		i = skipSpace(raw, i+1)
	}
	return nil, false
}

var colon = []byte{':'}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// get returns the value of key, 0 when it is absent; the last one wins, as
// in jsonb.
func (c counts) get(key string) int64 {
	var n int64
	for _, x := range c {
		if string(x.key) == key {
			n = x.n
		}
	}
	return n
}

// has reports whether every key is present.
func (c counts) has(keys ...string) bool {
	for _, k := range keys {
		found := false
		for _, x := range c {
			found = found || string(x.key) == k
		}
		if !found {
			return false
		}
	}
	return true
}

// maxCounters bounds the counters a summary shows; the rest are counted.
const maxCounters = 4

// humanized writes counters that no family's figures cover, as an operator
// would say them: "40 devices synced, 2 devices skipped". The biggest come
// first, zeros and keys that do not look like names are left out, and past
// four the rest are only counted ("3 more counts").
func humanized(c counts) []string {
	type counter struct {
		key    []byte
		n      int64
		phrase nounPhrase
	}
	// A hub page words every row's counters: they are gathered on the stack
	// and worded once per key (phraseOf); BenchmarkHub and BenchmarkSummary
	// show it pays.
	var buf [8]counter
	cs := buf[:0]
	for _, x := range c {
		i := slices.IndexFunc(cs, func(y counter) bool { return bytes.Equal(y.key, x.key) })
		if i < 0 {
			cs = append(cs, counter{key: x.key})
			i = len(cs) - 1
		}
		cs[i].n = x.n // the last of a key wins, as in jsonb
	}
	cs = slices.DeleteFunc(cs, func(x counter) bool { return x.n == 0 })
	for i := range cs {
		cs[i].phrase = phraseOf(cs[i].key)
	}
	cs = slices.DeleteFunc(cs, func(x counter) bool { return x.phrase.one == "" })
	slices.SortFunc(cs, func(a, b counter) int {
		return cmp.Or(cmp.Compare(b.n, a.n), bytes.Compare(a.key, b.key))
	})
	out := make([]string, 0, min(len(cs), maxCounters+1))
	for i, x := range cs {
		if i == maxCounters {
			out = append(out, plural(int64(len(cs)-i), "more count", "more counts"))
			break
		}
		noun := x.phrase.many
		if x.n == 1 {
			noun = x.phrase.one
		}
		out = append(out, strconv.FormatInt(x.n, 10)+" "+noun)
	}
	return out
}

// nounPhrase is a counter worded for 1 and for any other number; empty when
// its key does not look like a name.
type nounPhrase struct{ one, many string }

// phrases caches the nounPhrase of counter keys: jobs write few distinct
// keys, and a hub page words the same ones on every row. It holds at most
// maxPhrases keys, so that keys that keep changing cannot grow it; past that
// a key is worded every time.
var phrases = struct {
	sync.RWMutex
	m map[string]nounPhrase
}{m: map[string]nounPhrase{}}

const maxPhrases = 256

// phraseOf words counter key for 1 and for many (counterNoun).
func phraseOf(key []byte) nounPhrase {
	phrases.RLock()
	p, ok := phrases.m[string(key)]
	phrases.RUnlock()
	if ok {
		return p
	}
	if w := words(string(key)); w != nil {
		p = nounPhrase{counterNoun(w, 1), counterNoun(w, 2)}
	}
	phrases.Lock()
	if len(phrases.m) < maxPhrases {
		phrases.m[string(key)] = p
	}
	phrases.Unlock()
	return p
}

// words splits a key or type string written by a job into lower-case words
// at _ . - : / and lower-to-upper case changes ("itemCount" → item, count);
// nil when it does not look like a name (SafeCode), so that free text never
// reaches a sentence.
func words(s string) []string {
	if SafeCode(s) != s || len(s) > 64 {
		return nil
	}
	var out []string
	var w []rune
	flush := func() {
		if len(w) > 0 {
			out = append(out, string(w))
			w = w[:0]
		}
	}
	prevLower := false
	for _, r := range s {
		switch {
		case strings.ContainsRune("_.-:/", r):
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		w = append(w, unicode.ToLower(r))
	}
	flush()
	return out
}

// filler words never carry a counter's noun.
var filler = map[string]bool{"not": true, "no": true, "without": true, "with": true, "of": true, "in": true,
	"to": true, "per": true, "and": true, "or": true, "by": true, "from": true, "on": true, "at": true, "for": true}

// counterNoun words a counter for n: "count" and "total" suffixes and a
// "num" prefix are dropped, and its noun (the last word that is no
// participle or filler) agrees with n: "1 device skipped", "2 devices
// skipped", "48 items" for item_count.
func counterNoun(ws []string, n int64) string {
	ws = slices.Clone(ws)
	if len(ws) > 1 && (ws[len(ws)-1] == "count" || ws[len(ws)-1] == "total") {
		ws = ws[:len(ws)-1]
	}
	if len(ws) > 1 && (ws[0] == "num" || ws[0] == "number") {
		ws = ws[1:]
		if len(ws) > 1 && ws[0] == "of" {
			ws = ws[1:]
		}
	}
	for i := len(ws) - 1; i >= 0; i-- {
		w := ws[i]
		if filler[w] || strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing") || !unicode.IsLetter(rune(w[0])) {
			continue
		}
		if n == 1 {
			ws[i] = singular(w)
		} else {
			ws[i] = pluralOf(w)
		}
		break
	}
	return strings.Join(ws, " ")
}

// isPlural guesses whether an English noun is plural.
func isPlural(w string) bool {
	return strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is")
}

// singular returns the singular of a noun: "devices" → "device", "retries"
// → "retry", "batches" → "batch"; a singular noun is returned as it is.
func singular(w string) string {
	switch {
	case !isPlural(w):
		return w
	case strings.HasSuffix(w, "ies") && len(w) > 3:
		return strings.TrimSuffix(w, "ies") + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "ches"),
		strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "zes"):
		return strings.TrimSuffix(w, "es")
	default:
		return strings.TrimSuffix(w, "s")
	}
}

// pluralOf returns the plural of a noun: "item" → "items", "retry" →
// "retries", "batch" → "batches"; a plural noun is returned as it is.
func pluralOf(w string) string {
	switch {
	case isPlural(w):
		return w
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return strings.TrimSuffix(w, "y") + "ies"
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "z"),
		strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	default:
		return w + "s"
	}
}
