package repo

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/runproof/runproof/internal/domain"
)

// The finalize statement takes its documents as two JSON arrays, written
// here by appending, byte for byte what encoding/json writes for the same
// values but without its reflection (over the proof map above all): the
// sweep writes a thousand decision records per batch. Anything these
// appenders do not know is handed to encoding/json.

// jsonWriter appends the documents of one finalize statement. It reuses its
// scratch space from one run to the next; the zero value is ready.
type jsonWriter struct {
	keys []string
}

// appendReconciliation appends r as json.Marshal(r) writes it.
func (w *jsonWriter) appendReconciliation(b []byte, r domain.Reconciliation) ([]byte, error) {
	var err error
	b = append(b, `{"decision":`...)
	b = appendJSONString(b, string(r.Decision))
	b = append(b, `,"outcome":`...)
	b = appendJSONString(b, string(r.Outcome))
	b = append(b, `,"reason_code":`...)
	b = appendJSONString(b, r.ReasonCode)
	b = append(b, `,"explanation":`...)
	b = appendJSONString(b, r.Explanation)
	b = append(b, `,"proof":`...)
	if b, err = w.appendProof(b, r.Proof); err != nil {
		return nil, err
	}
	b = append(b, `,"links":`...)
	if r.Links == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, l := range r.Links {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"rel":`...)
			b = appendJSONString(b, l.Rel)
			b = append(b, `,"id":`...)
			b = strconv.AppendInt(b, l.ID, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"source":`...)
	b = appendJSONString(b, string(r.Source))
	b = append(b, `,"actor":`...)
	b = appendJSONString(b, r.Actor)
	b = append(b, `,"adapter":`...)
	b = appendJSONString(b, r.Adapter)
	b = append(b, `,"previous_status":`...)
	b = appendJSONString(b, string(r.PreviousStatus))
	b = append(b, `,"reconciled_at":`...)
	if b, err = appendJSONTime(b, r.ReconciledAt); err != nil {
		return nil, err
	}
	if r.Note != "" {
		b = append(b, `,"note":`...)
		b = appendJSONString(b, r.Note)
	}
	return append(b, '}'), nil
}

// appendProof appends a decision's proof as json.Marshal writes the map:
// keys sorted, null for a nil map.
func (w *jsonWriter) appendProof(b []byte, proof map[string]any) ([]byte, error) {
	if proof == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '{')
	w.keys = sortedKeys(w.keys, proof)
	for i, k := range w.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		switch v := proof[k].(type) {
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case string:
			b = appendJSONString(b, v)
		case bool:
			b = strconv.AppendBool(b, v)
		default:
			enc, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("proof %q: %w", k, err)
			}
			b = append(b, enc...)
		}
	}
	return append(b, '}'), nil
}

// appendCounts appends summary counts as json.Marshal writes the map (nil
// as {}: the statement merges it into the run's counts).
func (w *jsonWriter) appendCounts(b []byte, counts map[string]int64) []byte {
	b = append(b, '{')
	w.keys = sortedKeys(w.keys, counts)
	for i, k := range w.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = strconv.AppendInt(b, counts[k], 10)
	}
	return append(b, '}')
}

// sortedKeys returns m's keys in order, in keys' space.
func sortedKeys[V any](keys []string, m map[string]V) []string {
	keys = keys[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendJSONString appends s as a JSON string. Printable ASCII that
// encoding/json writes as it is (it escapes '"', '\\' and, for HTML, '<',
// '>' and '&') is copied; any other string, rare here, is left to
// encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s) //nolint:errchkjson // a string always encodes
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONTime appends t as its MarshalJSON writes it.
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("time %v: year outside 0–9999", t)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}
