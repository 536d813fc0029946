package reconcile

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Explanations are read by operators: they quote only codes that look like
// codes, never free text, JSON or error messages written by jobs.

const unrecognizedCode = "unrecognized code"

// safeCode returns c when it looks like a code (letters, digits and _.:/-,
// at most 80 bytes), unrecognizedCode when it is anything else, and "" for "".
func safeCode(c string) string {
	if c == "" {
		return ""
	}
	if len(c) > 80 {
		return unrecognizedCode
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case i > 0 && (b == '_' || b == '.' || b == ':' || b == '/' || b == '-'):
		default:
			return unrecognizedCode
		}
	}
	return c
}

// plural formats n with the singular or plural noun.
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

// belongs agrees "belong" with a count.
func belongs(n int64) string {
	if n == 1 {
		return "belongs"
	}
	return "belong"
}

// codeList collects distinct safe codes for a parenthesis: at most three,
// then "and N more".
type codeList struct {
	codes [3]string
	n     int
	more  int
}

func (l *codeList) add(c string) {
	c = safeCode(c)
	if c == "" {
		return
	}
	for _, x := range l.codes[:l.n] {
		if x == c {
			return
		}
	}
	if l.n == len(l.codes) {
		l.more++
		return
	}
	l.codes[l.n] = c
	l.n++
}

// paren returns " (a, b and 2 more)" or "" when there is no code.
func (l *codeList) paren() string {
	if l.n == 0 {
		return ""
	}
	s := " (" + strings.Join(l.codes[:l.n], ", ")
	if l.more > 0 {
		s += " and " + strconv.Itoa(l.more) + " more"
	}
	return s + ")"
}

// lowerFirst turns a sentence into a clause: first letter lowered, final
// period dropped.
func lowerFirst(s string) string {
	s = strings.TrimSuffix(s, ".")
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

// clockTime formats an instant for explanations, in UTC.
func clockTime(t time.Time) string {
	return t.UTC().Format("15:04 UTC on 2 Jan 2006")
}

// minutes formats a duration for explanations, in whole minutes (seconds
// under two minutes).
func minutes(d time.Duration) string {
	if d < 2*time.Minute {
		return plural(int64(d/time.Second), "second", "seconds")
	}
	return plural(int64(d/time.Minute), "minute", "minutes")
}
