package proof

import (
	"encoding/json"
	"iter"
	"math"
	"slices"
	"strconv"

	"github.com/runproof/runproof/internal/jsonscan"
)

// Jobs write run context as they go and may die half way, so every reader
// here is lenient: a missing key, a null and a value of the wrong JSON type
// all read as "absent" (or "malformed" where that matters), never as an
// error. Contexts come from jsonb, so they are valid JSON; the reader still
// stops quietly at anything malformed.
//
// The reader walks the bytes once (package jsonscan) and allocates only the
// strings it returns. It is hand-written because it pays: BenchmarkLoadProof
// (internal/repo) loads a batch's proof about twice as fast with it as with
// the same rules over encoding/json, which decodes each level of a context
// into a map again.

// Pointer is an artifact id named by a run's context.
type Pointer struct {
	// ID is the id named; valid only when Given and not Malformed.
	ID int64
	// Given: the context holds a non-null value under the pointer's key.
	Given bool
	// Malformed: the value is not a positive integer, so it names nothing.
	Malformed bool
}

// Valid reports whether p names an id at all.
func (p Pointer) Valid() bool { return p.Given && !p.Malformed }

// Names reports whether p names artifact id.
func (p Pointer) Names(id int64) bool { return p.Valid() && p.ID == id }

// Reason is a reason object such as inventory.blocked_reason or
// backup_schedule.skip_reason.
type Reason struct {
	// Set: the value is a non-empty string, or an object with a non-empty
	// reason_code or message.
	Set bool
	// Code is its reason_code (or the string itself), as written; empty when
	// there is none.
	Code string
}

// Failures summarizes a run's failures list.
type Failures struct {
	Count int
	// FirstCode is the code (or reason_code, error_code) of the first failure
	// that has one.
	FirstCode string
}

// jsonValue is the text of one JSON value without surrounding whitespace;
// empty when absent.
type jsonValue []byte

// parseValue returns the one value of a JSON document.
func parseValue(doc []byte) jsonValue {
	i := jsonscan.SkipSpace(doc, 0)
	end := jsonscan.ValueEnd(doc, i)
	if end <= i {
		return nil
	}
	return jsonValue(doc[i:end])
}

func (v jsonValue) is(first byte) bool { return len(v) > 0 && v[0] == first }

// absent reports a missing value or null.
func (v jsonValue) absent() bool { return len(v) == 0 || string(v) == "null" }

// field returns the value of key in object v (the last one, as jsonb and
// encoding/json keep), or nil.
func (v jsonValue) field(key string) jsonValue {
	var found jsonValue
	for k, val := range v.members() {
		if keyIs(k, key) {
			found = val
		}
	}
	return found
}

// members yields the quoted key and the value of each member of object v.
func (v jsonValue) members() iter.Seq2[jsonValue, jsonValue] {
	return func(yield func(jsonValue, jsonValue) bool) {
		if !v.is('{') {
			return
		}
		b := []byte(v)
		i := jsonscan.SkipSpace(b, 1)
		for i < len(b) && b[i] == '"' {
			keyEnd := jsonscan.StringEnd(b, i)
			if keyEnd < 0 {
				return
			}
			key := b[i:keyEnd]
			i = jsonscan.SkipSpace(b, keyEnd)
			if i >= len(b) || b[i] != ':' {
				return
			}
			start := jsonscan.SkipSpace(b, i+1)
			end := jsonscan.ValueEnd(b, start)
			if end <= start || !yield(key, b[start:end]) {
				return
			}
			i = jsonscan.SkipSpace(b, end)
			if i < len(b) && b[i] == ',' {
				i = jsonscan.SkipSpace(b, i+1)
			}
		}
	}
}

// elements yields each element of array v.
func (v jsonValue) elements() iter.Seq[jsonValue] {
	return func(yield func(jsonValue) bool) {
		if !v.is('[') {
			return
		}
		b := []byte(v)
		i := jsonscan.SkipSpace(b, 1)
		for i < len(b) && b[i] != ']' {
			end := jsonscan.ValueEnd(b, i)
			if end <= i || !yield(b[i:end]) {
				return
			}
			i = jsonscan.SkipSpace(b, end)
			if i < len(b) && b[i] == ',' {
				i = jsonscan.SkipSpace(b, i+1)
			}
		}
	}
}

// str returns the value of a JSON string.
func (v jsonValue) str() (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	inner := v[1 : len(v)-1]
	for _, c := range inner {
		if c == '\\' {
			var s string
			if json.Unmarshal(v, &s) != nil {
				return "", false
			}
			return s, true
		}
	}
	return string(inner), true
}

// integer returns the value of a JSON number that is a whole number (so
// 12, 12.0 and 1.2e1 alike, as JSON does not tell them apart).
func (v jsonValue) integer() (int64, bool) {
	b := []byte(v)
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' || n > (math.MaxInt64-9)/10 {
			return v.wholeFloat()
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// wholeFloat reads a number with a fraction or exponent; it must be whole
// and exact in a float64.
func (v jsonValue) wholeFloat() (int64, bool) {
	if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// keyIs compares a quoted key with want, unescaping only when needed.
func keyIs(quoted jsonValue, want string) bool {
	if len(quoted) != len(want)+2 {
		if slices.Contains(quoted, '\\') {
			s, ok := quoted.str()
			return ok && s == want
		}
		return false
	}
	return string(quoted[1:len(quoted)-1]) == want
}

// readCount reads a non-negative integer; anything else reads as 0.
func readCount(v jsonValue) int64 {
	n, ok := v.integer()
	if !ok || n < 0 {
		return 0
	}
	return n
}

func readString(v jsonValue) string {
	s, _ := v.str()
	return s
}

func readPointer(v jsonValue) Pointer {
	if v.absent() {
		return Pointer{}
	}
	id, ok := v.integer()
	if !ok || id <= 0 {
		return Pointer{Given: true, Malformed: true}
	}
	return Pointer{ID: id, Given: true}
}

func readReason(v jsonValue) Reason {
	if s, ok := v.str(); ok {
		return Reason{Set: s != "", Code: s}
	}
	code, message := readString(v.field("reason_code")), readString(v.field("message"))
	return Reason{Set: code != "" || message != "", Code: code}
}

// ParseFailures reads a run's failures list; it never fails (see the
// package's leniency rule).
func ParseFailures(raw json.RawMessage) Failures {
	var f Failures
	for item := range parseValue(raw).elements() {
		f.Count++
		if f.FirstCode != "" {
			continue
		}
		for _, key := range [...]string{"code", "reason_code", "error_code"} {
			if s := readString(item.field(key)); s != "" {
				f.FirstCode = s
				break
			}
		}
	}
	return f
}
