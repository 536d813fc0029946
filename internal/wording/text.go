package wording

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentences quote only codes that look like codes, never free text, JSON or
// error messages written by jobs.

const unrecognizedCode = "unrecognized code"

// SafeCode returns c when it looks like a code (letters, digits and _.:/-,
// at most 80 bytes), "unrecognized code" when it is anything else, and ""
// for "". Whatever a job wrote reaches operators only through it.
func SafeCode(c string) string {
	if c == "" {
		return ""
	}
	if len(c) > 80 {
		return unrecognizedCode
	}
	for i := range len(c) {
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

// parenCode returns " (code)" for a safe code, " (unrecognized code)" for
// another string and "" for none.
func parenCode(code string) string {
	if c := SafeCode(code); c != "" {
		return " (" + c + ")"
	}
	return ""
}

// codeList returns the distinct safe codes of codes for a parenthesis, at
// most three and then "and N more": " (a, b and 2 more)", or "" when there
// is none.
func codeList(codes []string) string {
	var shown []string
	more := 0
	for _, c := range codes {
		c = SafeCode(c)
		if c == "" || slices.Contains(shown, c) {
			continue
		}
		if len(shown) == 3 {
			more++
			continue
		}
		shown = append(shown, c)
	}
	if len(shown) == 0 {
		return ""
	}
	s := " (" + strings.Join(shown, ", ")
	if more > 0 {
		s += " and " + strconv.Itoa(more) + " more"
	}
	return s + ")"
}

// plural formats n with the singular or the plural noun: "1 gap", "3 gaps".
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

// style says where a figure is written. Explanations spell every figure
// with digits, as proof does ("0 gaps"); summaries write a zero that
// matters as a word ("no gaps").
type style bool

const (
	inSentence style = false
	inSummary  style = true
)

// count formats n of a noun in style st: "no gaps" in a summary, "0 gaps"
// in a sentence, "1 gap" in both.
func (st style) count(n int64, one, many string) string {
	if n == 0 && st == inSummary {
		return "no " + many
	}
	return plural(n, one, many)
}

// belongs agrees "belong" with a count.
func belongs(n int64) string {
	if n == 1 {
		return "belongs"
	}
	return "belong"
}

// lowerFirst turns a sentence into a clause: first letter lowered, final
// period dropped.
func lowerFirst(s string) string {
	s = strings.TrimSuffix(s, ".")
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

// upperFirst starts a sentence.
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// writeLower writes s in lower case to b, as strings.ToLower would return
// it, without a copy when s is ASCII.
func writeLower(b *strings.Builder, s string) {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			b.WriteString(strings.ToLower(s))
			return
		}
	}
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}

// clockTime formats an instant for sentences, in UTC: "14:05 UTC on 1 Dec 2026".
func clockTime(t time.Time) string {
	return t.UTC().Format("15:04 UTC on 2 Jan 2006")
}

// duration says a span as people do, rounded down: "less than a minute",
// "45 minutes", "1 hour 30 minutes", "5 hours", "3 days".
func duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute", "minutes")
	case d < 2*time.Hour:
		s := "1 hour"
		if m := int64(d % time.Hour / time.Minute); m > 0 {
			s += " " + plural(m, "minute", "minutes")
		}
		return s
	case d < 48*time.Hour:
		return plural(int64(d/time.Hour), "hour", "hours")
	default:
		return plural(int64(d/(24*time.Hour)), "day", "days")
	}
}

// ago says how long ago something happened: "just now", "2 hours ago".
func ago(d time.Duration) string {
	if d < time.Minute {
		return "just now"
	}
	return duration(d) + " ago"
}
