package http

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// Pages of runs are the API's hottest output, so Run and HubPage are encoded
// without reflection: appendJSON writes the same object as encoding/json
// would from the struct tags (runjson_test.go holds them to that), and
// writeJSON uses it when a value has it.

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
	b = append(b, `,"related":[`...)
	for i, l := range r.Links.Related {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"rel":`...)
		b = appendString(b, l.Rel)
		b = append(b, `,"id":`...)
		b = strconv.AppendInt(b, l.ID, 10)
		b = append(b, '}')
	}
	b = append(b, `]},"created_at":`...)
	b = appendTime(b, r.CreatedAt)
	b = append(b, `,"started_at":`...)
	b = appendTimePtr(b, r.StartedAt)
	b = append(b, `,"last_heartbeat_at":`...)
	b = appendTimePtr(b, r.LastHeartbeatAt)
	b = append(b, `,"completed_at":`...)
	b = appendTimePtr(b, r.CompletedAt)
	b = append(b, `,"reconciliation":`...)
	b = appendRaw(b, r.Reconciliation)
	if len(r.Context) > 0 {
		b = append(b, `,"context":`...)
		b = appendRaw(b, r.Context)
	}
	if len(r.Failures) > 0 {
		b = append(b, `,"failures":`...)
		b = appendRaw(b, r.Failures)
	}
	return append(b, '}')
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
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

// appendRaw appends JSON from the database compacted and HTML-escaped as
// encoding/json does, or null when there is none; JSON that does not parse
// (never expected from a jsonb column) is null.
func appendRaw(b []byte, raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return append(b, "null"...)
	}
	buf := bytes.NewBuffer(b)
	if json.Compact(buf, raw) != nil {
		return append(b, "null"...)
	}
	if compact := buf.Bytes()[len(b):]; needsHTMLEscape(compact) {
		escaped := bytes.NewBuffer(b)
		json.HTMLEscape(escaped, bytes.Clone(compact))
		return escaped.Bytes()
	}
	return buf.Bytes()
}

// needsHTMLEscape reports whether b may hold <, >, & or U+2028/U+2029 (whose
// UTF-8 encodings start with 0xE2), which encoding/json escapes.
func needsHTMLEscape(b []byte) bool {
	for _, c := range b {
		if c == '<' || c == '>' || c == '&' || c == 0xE2 {
			return true
		}
	}
	return false
}

const hexDigits = "0123456789abcdef"

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
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
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
