package http

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// Pages of runs are the API's hottest output, so Run and HubPage are encoded
// without reflection: BenchmarkHub (hub_bench_test.go) shows it pays.
// appendJSON writes the same object as encoding/json would from the struct
// tags (runjson_test.go holds them to that, so a field added to Run and not
// here fails it), and writeJSON uses it when a value has it.

// jsonAppender is a value that encodes itself.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

func (p *HubPage) appendJSON(b []byte) []byte {
	b = append(b, `{"items":[`...)
	for i := range p.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = p.Items[i].appendJSON(b)
	}
	b = append(b, `],"next_cursor":`...)
	b = appendStringPtr(b, p.NextCursor)
	return append(b, '}')
}

func (r *Run) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"workspace_id":`...)
	b = strconv.AppendInt(b, r.WorkspaceID, 10)
	b = append(b, `,"environment":`...)
	if r.Environment == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, r.Environment.ID, 10)
		b = append(b, `,"name":`...)
		b = appendString(b, r.Environment.Name)
		b = append(b, '}')
	}
	b = append(b, `,"type":`...)
	b = appendString(b, r.Type)
	b = append(b, `,"status":`...)
	b = appendString(b, r.Status)
	b = append(b, `,"outcome":`...)
	b = appendString(b, r.Outcome)
	b = append(b, `,"outcome_label":`...)
	b = appendString(b, r.OutcomeLabel)
	b = append(b, `,"stale":`...)
	b = strconv.AppendBool(b, r.Stale)
	b = append(b, `,"summary":`...)
	b = appendString(b, r.Summary)
	b = append(b, `,"explanation":`...)
	b = appendStringPtr(b, r.Explanation)
	b = append(b, `,"reason_code":`...)
	b = appendStringPtr(b, r.ReasonCode)
	b = append(b, `,"next_action":`...)
	if r.NextAction == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"label":`...)
		b = appendString(b, r.NextAction.Label)
		b = append(b, `,"href":`...)
		b = appendString(b, r.NextAction.Href)
		b = append(b, '}')
	}
	b = append(b, `,"links":{"self":`...)
	b = appendString(b, r.Links.Self)
	b = append(b, `,"related":`...)
	b = appendLinks(b, r.Links.Related)
	b = append(b, `},"created_at":`...)
	b = appendTime(b, r.CreatedAt)
	b = append(b, `,"started_at":`...)
	b = appendTimePtr(b, r.StartedAt)
	b = append(b, `,"last_heartbeat_at":`...)
	b = appendTimePtr(b, r.LastHeartbeatAt)
	b = append(b, `,"completed_at":`...)
	b = appendTimePtr(b, r.CompletedAt)
	b = append(b, `,"reconciliation":`...)
	b = r.Reconciliation.appendJSON(b)
	if len(r.Context) > 0 {
		b = append(b, `,"context":`...)
		b = appendRaw(b, r.Context)
	}
	if r.Failures != nil {
		b = append(b, `,"failures":`...)
		b = appendMarshaled(b, r.Failures)
	}
	return append(b, '}')
}

func appendLinks(b []byte, links []RelatedLink) []byte {
	return appendList(b, links, func(b []byte, l RelatedLink) []byte { return appendLink(b, l.Rel, l.ID, l.Href) })
}

func appendArtifactLinks(b []byte, links []ArtifactLink) []byte {
	return appendList(b, links, func(b []byte, l ArtifactLink) []byte { return appendLink(b, l.Rel, &l.ID, l.Href) })
}

// appendList writes items as a JSON array, or null for a nil slice, as
// encoding/json would.
func appendList[T any](b []byte, items []T, appendItem func([]byte, T) []byte) []byte {
	if items == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendItem(b, it)
	}
	return append(b, ']')
}

// appendLink writes one link; id is left out when nil.
func appendLink(b []byte, rel string, id *int64, href string) []byte {
	b = append(b, `{"rel":`...)
	b = appendString(b, rel)
	if id != nil {
		b = append(b, `,"id":`...)
		b = strconv.AppendInt(b, *id, 10)
	}
	b = append(b, `,"href":`...)
	b = appendString(b, href)
	return append(b, '}')
}

// appendJSON writes the record, or null for none, as encoding/json would;
// a tenth of a hub page's runs carry one (BenchmarkHub).
func (r *DecisionRecord) appendJSON(b []byte) []byte {
	if r == nil {
		return append(b, "null"...)
	}
	// encoding/json refuses a time it cannot write in RFC 3339, and then
	// writes no record at all.
	var at [64]byte
	reconciledAt, err := r.ReconciledAt.AppendText(at[:0])
	if err != nil {
		return append(b, "null"...)
	}
	b = append(b, `{"decision":`...)
	b = appendString(b, r.Decision)
	b = append(b, `,"outcome":`...)
	b = appendString(b, r.Outcome)
	b = append(b, `,"reason_code":`...)
	b = appendString(b, r.ReasonCode)
	b = append(b, `,"explanation":`...)
	b = appendString(b, r.Explanation)
	b = append(b, `,"proof":`...)
	b = r.Proof.appendJSON(b)
	b = append(b, `,"links":`...)
	b = appendArtifactLinks(b, r.Links)
	b = append(b, `,"source":`...)
	b = appendString(b, r.Source)
	b = append(b, `,"actor":`...)
	b = appendString(b, r.Actor)
	b = append(b, `,"adapter":`...)
	b = appendString(b, r.Adapter)
	b = append(b, `,"previous_status":`...)
	b = appendString(b, r.PreviousStatus)
	b = append(b, `,"reconciled_at":"`...)
	b = append(b, reconciledAt...)
	b = append(b, '"')
	if r.Note != "" {
		b = append(b, `,"note":`...)
		b = appendString(b, r.Note)
	}
	return append(b, '}')
}

// appendJSON writes the proof's figures that are set, in the order of its
// fields, as encoding/json does with omitempty.
func (p *Proof) appendJSON(b []byte) []byte {
	b = append(b, '{')
	sep := false
	key := func(name string) {
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	for _, f := range [...]struct {
		name string
		n    *int64
		s    *string
	}{
		{"attempted", p.Attempted, nil}, {"succeeded", p.Succeeded, nil}, {"failed", p.Failed, nil},
		{"skipped", p.Skipped, nil}, {"blocked", p.Blocked, nil}, {"not_reached", p.NotReached, nil},
		{"items_claimed", p.ItemsClaimed, nil}, {"items_observed", p.ItemsObserved, nil},
		{"items_out_of_scope", p.ItemsOutOfScope, nil}, {"blocked_reason", nil, p.BlockedReason},
		{"candidates", p.Candidates, nil}, {"out_of_scope", p.OutOfScope, nil}, {"failures", p.Failures, nil},
		{"meta_fallback_count", p.MetaFallbackCount, nil}, {"gaps", p.Gaps, nil},
		{"baseline_profile_id", p.BaselineProfileID, nil}, {"snapshot_pointer", p.SnapshotPointer, nil},
		{"snapshot_id", p.SnapshotID, nil}, {"item_count", p.ItemCount, nil},
		{"expected", p.Expected, nil}, {"captured", p.Captured, nil},
		{"assignments_missing", p.AssignmentsMissing, nil}, {"backup_set_id", p.BackupSetID, nil},
		{"set_status", nil, p.SetStatus}, {"backup_schedule_id", p.BackupScheduleID, nil},
		{"set_pointer", p.SetPointer, nil}, {"skip_reason", nil, p.SkipReason},
		{"age_seconds", p.AgeSeconds, nil}, {"stale_after_seconds", p.StaleAfterSeconds, nil},
	} {
		switch {
		case f.n != nil:
			key(f.name)
			b = strconv.AppendInt(b, *f.n, 10)
		case f.s != nil:
			key(f.name)
			b = appendString(b, *f.s)
		}
	}
	return append(b, '}')
}

// appendTime appends t as a JSON string in RFC 3339 with nanoseconds, as
// encoding/json does. UTC times of years 0-9999 (all the API shows) are
// formatted by hand, 1.7x as fast as time.AppendFormat.
func appendTime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if t.Location() != time.UTC || year < 0 || year > 9999 {
		b = append(b, '"')
		b = t.AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	hour, minute, sec := t.Clock()
	b = append(b, '"')
	b = append2(b, year/100)
	b = append2(b, year%100)
	b = append2(append(b, '-'), int(month))
	b = append2(append(b, '-'), day)
	b = append2(append(b, 'T'), hour)
	b = append2(append(b, ':'), minute)
	b = append2(append(b, ':'), sec)
	if ns := t.Nanosecond(); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i > 1; i -= 2 { // digits 2-9, two at a time
			frac[i-1], frac[i] = digits[ns%100*2], digits[ns%100*2+1]
			ns /= 100
		}
		frac[1] = byte('0' + ns)
		n := 10
		for frac[n-1] == '0' { // RFC3339Nano drops trailing zeros
			n--
		}
		b = append(b, frac[:n]...)
	}
	return append(b, 'Z', '"')
}

// digits holds the two digits of 0-99 at 2n.
const digits = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// append2 appends 0 <= v < 100 as two digits.
func append2(b []byte, v int) []byte {
	return append(b, digits[2*v], digits[2*v+1])
}

func appendTimePtr(b []byte, t *time.Time) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	return appendTime(b, *t)
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

// appendMarshaled appends what encoding/json writes for v, a value it
// always encodes (strings, numbers and times read back from JSON); null if
// it ever did not.
func appendMarshaled(b []byte, v any) []byte {
	enc, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, enc...)
}

// appendRaw appends JSON from the database compacted and HTML-escaped as
// encoding/json does, or null when there is none. raw must be valid JSON,
// as jsonb's text is: one pass drops the whitespace outside strings and
// escapes <, >, &, U+2028 and U+2029 inside them (json.Compact and
// json.HTMLEscape would validate and copy it twice).
func appendRaw(b []byte, raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return append(b, "null"...)
	}
	start, inString := 0, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if !inString {
			switch c {
			case '"':
				inString = true
			case ' ', '\t', '\n', '\r':
				b = append(b, raw[start:i]...)
				start = i + 1
			}
			continue
		}
		switch c {
		case '\\':
			i++ // the escaped byte cannot end the string
		case '"':
			inString = false
		case '<', '>', '&':
			b = append(b, raw[start:i]...)
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			start = i + 1
		case 0xE2: // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
			if i+2 < len(raw) && raw[i+1] == 0x80 && raw[i+2]&^1 == 0xA8 {
				b = append(b, raw[start:i]...)
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[raw[i+2]&0xf])
				i += 2
				start = i + 1
			}
		}
	}
	return append(b, raw[start:]...)
}

const hexDigits = "0123456789abcdef"

// plainPrefix returns how many leading bytes of s are ASCII that appendString
// copies as they are. It tests 8 bytes at a time (the strings of a page are
// mostly plain), then byte by byte.
func plainPrefix(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if x&highBits != 0 || hasLess(x, 0x20) || hasByte(x, '"') || hasByte(x, '\\') ||
			hasByte(x, '<') || hasByte(x, '>') || hasByte(x, '&') {
			break
		}
	}
	for i < len(s) && s[i] < utf8.RuneSelf && jsonSafe[s[i]] {
		i++
	}
	return i
}

// Word-at-a-time byte tests on 8 bytes packed in a uint64: hasLess holds
// when a byte is below n (for bytes below 0x80 and n <= 0x80), hasByte when
// a byte equals c. Both are exact about whether any byte matches.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

func hasLess(x uint64, n byte) bool { return (x-lowBits*uint64(n))&^x&highBits != 0 }

func hasByte(x uint64, c byte) bool { return hasLess(x^(lowBits*uint64(c)), 1) }

// jsonSafe marks the ASCII bytes appendString copies as they are.
var jsonSafe = func() (safe [utf8.RuneSelf]bool) {
	for c := byte(0x20); c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return safe
}()

// appendString appends s as a JSON string escaped as encoding/json does:
// quotes, backslashes and control characters, <, > and & (for HTML safety),
// U+2028 and U+2029, and invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		i += plainPrefix(s[i:])
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
