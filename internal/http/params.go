package http

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// pathID reads the positive decimal id in path parameter name. Anything else
// ("abc", "0", "-1", "007", "1e3") is a 400 naming the parameter.
func pathID(r *http.Request, name string) (int64, error) {
	id, ok := parseID(chi.URLParam(r, name))
	if !ok {
		return 0, invalidField(name, badID)
	}
	return id, nil
}

const badID = "must be a positive integer id"

// runPath reads {ws} and {run} of a run's URL, naming every malformed one.
func runPath(r *http.Request) (ws, run int64, err error) {
	var bad []FieldError
	ids := [2]int64{}
	for i, name := range [2]string{"ws", "run"} {
		id, ok := parseID(chi.URLParam(r, name))
		if !ok {
			bad = append(bad, FieldError{Field: name, Detail: badID})
		}
		ids[i] = id
	}
	if bad != nil {
		return 0, 0, invalid(bad...)
	}
	return ids[0], ids[1], nil
}

// parseID accepts only the canonical decimal form of a positive int64, so one
// resource has one URL.
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != s {
		return 0, false
	}
	return id, true
}

// queryReader reads query parameters and collects every problem, so one 400
// lists all bad parameters at once.
type queryReader struct {
	values url.Values
	errs   []FieldError
}

func newQueryReader(r *http.Request) *queryReader {
	values, err := url.ParseQuery(r.URL.RawQuery)
	q := &queryReader{values: values}
	if err != nil {
		q.fail("query", "is not a valid URL query string")
	}
	return q
}

func (q *queryReader) fail(name, detail string) {
	q.errs = append(q.errs, FieldError{Field: name, Detail: detail})
}

// str returns the parameter's single value, "" when absent.
func (q *queryReader) str(name string) string {
	vs := q.values[name]
	switch {
	case len(vs) == 0:
		return ""
	case len(vs) > 1:
		q.fail(name, "must be given at most once")
		return ""
	case vs[0] == "":
		q.fail(name, "must not be empty")
	case !isText(vs[0]):
		q.fail(name, textRule)
		return ""
	}
	return vs[0]
}

// isText reports whether s is text PostgreSQL can take: it refuses invalid
// UTF-8 and NUL (in text and in jsonb), which would otherwise surface as a 500.
func isText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

const textRule = "must be UTF-8 text without NUL characters"

// id reads an optional positive id.
func (q *queryReader) id(name string) *int64 {
	s := q.str(name)
	if s == "" {
		return nil
	}
	id, ok := parseID(s)
	if !ok {
		q.fail(name, badID)
		return nil
	}
	return &id
}

// oneOf reads an optional value from allowed.
func oneOf[T ~string](q *queryReader, name string, allowed ...T) T {
	s := T(q.str(name))
	if s != "" && !slices.Contains(allowed, s) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		q.fail(name, "must be one of "+strings.Join(names, ", "))
		return ""
	}
	return s
}

// boolean reads an optional "true" or "false".
func (q *queryReader) boolean(name string) *bool {
	switch oneOf(q, name, "true", "false") {
	case "true":
		return new(true)
	case "false":
		return new(false)
	default:
		return nil
	}
}

// intIn reads an optional integer within [lo, hi], def when absent.
func (q *queryReader) intIn(name string, def, lo, hi int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.fail(name, "must be an integer from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi))
		return def
	}
	return n
}

// err returns the collected problems as one 400, or nil.
func (q *queryReader) err() error {
	if len(q.errs) == 0 {
		return nil
	}
	return invalid(q.errs...)
}
