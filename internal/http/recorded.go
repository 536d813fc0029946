package http

import (
	"bytes"
	"unicode/utf8"

	"github.com/runproof/runproof/internal/jsonscan"
)

// plainRecorded reads the common shape of context.reconciliation quickly:
// an object whose explanation and reason_code are strings without escapes
// (or null) and whose links are empty (or null), other members skipped. ok
// is false for anything it cannot read exactly as json.Unmarshal would
// (escaped or case-folded keys, escapes, links, other types), which is then
// left to json.Unmarshal. raw must be valid JSON, as jsonb's text is.
func plainRecorded(raw []byte) (rec recorded, ok bool) {
	i := jsonscan.SkipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return rec, false
	}
	i = jsonscan.SkipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return rec, jsonscan.SkipSpace(raw, i+1) == len(raw)
	}
	for i < len(raw) && raw[i] == '"' {
		key, next, ok := plainString(raw, i)
		if !ok {
			return rec, false
		}
		i = jsonscan.SkipSpace(raw, next)
		if i >= len(raw) || raw[i] != ':' {
			return rec, false
		}
		i = jsonscan.SkipSpace(raw, i+1)
		switch {
		case string(key) == "explanation":
			i, ok = plainStringOrNull(raw, i, &rec.Explanation)
		case string(key) == "reason_code":
			i, ok = plainStringOrNull(raw, i, &rec.ReasonCode)
		case string(key) == "links":
			i, ok = emptyArrayOrNull(raw, i)
		// encoding/json also matches keys case-insensitively.
		case bytes.EqualFold(key, []byte("explanation")), bytes.EqualFold(key, []byte("reason_code")),
			bytes.EqualFold(key, []byte("links")):
			return rec, false
		default:
			end := jsonscan.ValueEnd(raw, i)
			i, ok = end, end > i
		}
		if !ok {
			return rec, false
		}
		i = jsonscan.SkipSpace(raw, i)
		if i < len(raw) && raw[i] == '}' {
			return rec, jsonscan.SkipSpace(raw, i+1) == len(raw)
		}
		if i >= len(raw) || raw[i] != ',' {
			return rec, false
		}
		i = jsonscan.SkipSpace(raw, i+1)
	}
	return rec, false
}

// plainString returns the content of the string starting at raw[i] and the
// index past it; ok is false when it holds an escape or invalid UTF-8.
func plainString(raw []byte, i int) (s []byte, next int, ok bool) {
	end := bytes.IndexByte(raw[i+1:], '"')
	if end < 0 {
		return nil, 0, false
	}
	s = raw[i+1 : i+1+end]
	if bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s) {
		return nil, 0, false
	}
	return s, i + 2 + end, true
}

// plainStringOrNull sets *dst to the plain string at raw[i], or leaves it
// for null, and returns the index past the value.
func plainStringOrNull(raw []byte, i int, dst *string) (int, bool) {
	if bytes.HasPrefix(raw[i:], []byte("null")) {
		return i + 4, true
	}
	if i >= len(raw) || raw[i] != '"' {
		return 0, false
	}
	s, next, ok := plainString(raw, i)
	if ok {
		*dst = string(s)
	}
	return next, ok
}

// emptyArrayOrNull returns the index past the [] or null at raw[i].
func emptyArrayOrNull(raw []byte, i int) (int, bool) {
	if bytes.HasPrefix(raw[i:], []byte("null")) {
		return i + 4, true
	}
	if i >= len(raw) || raw[i] != '[' {
		return 0, false
	}
	i = jsonscan.SkipSpace(raw, i+1)
	return i + 1, i < len(raw) && raw[i] == ']'
}
