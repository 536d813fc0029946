package http_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzBadInputIsAClearErrorAndWritesNothing sends arbitrary queries (to the
// hub and a run's detail), run ids, reconcile bodies and bearer tokens
// through the real router and database. Every answer must be one
// api/openapi.yaml documents for its route (do checks status, content type
// and body), never a 500; a reconcile that does not answer 200 must leave the
// run as it was, and any token but a valid one gets a 401.
func FuzzBadInputIsAClearErrorAndWritesNothing(f *testing.F) {
	fx := newFixture(f, nil)
	ws := fx.workspace("w")
	env := fx.environment(ws, "e")
	fx.member(ws, "alice", "owner")
	run := fx.run(ws, runSpec{env: &env, age: 3 * time.Hour, context: blockedInventory})
	fx.run(ws, runSpec{env: &env, age: time.Minute})
	tok := fx.token("alice")

	seeds := []struct{ query, runID, body string }{
		{"", itoa(run), `{"dry_run": true}`},
		{"", tok[:len(tok)-1] + "A", tok[1:]}, // run ids and bodies double as tokens
		{"limit=1", "abc", `{"dry_run": tru`},
		{"limit=201&status=done", "0", `{"dry_run": true, "force": true}`},
		{"environment=-1&stale=yes", "-5", `{"note": 5}`},
		{"cursor=AQAGJb7yq4gAAAAAAAAAAAXDzl8h0qgk1l0aYw", "99999999999999999999", `[]`},
		{"type=inventory_sync&outcome=failed", "1e3", `{} {}`},
		{"cursor=%zz", "", `{"note": "` + strings.Repeat("x", 17<<10) + `"}`},
		{"limit=1&limit=2", "%00", `{"dry_run": null}`},
		{"include=diagnostics", itoa(run), ``},
		{"include=everything&include=diagnostics", itoa(run), `{"dry_run": false}`},
		{"type=%FE", "1", `{"note": "\u0000"}`},
		{"type=%00", "1", `{"note": "\ud800 lone surrogate"}`},
	}
	for _, s := range seeds {
		f.Add(s.query, s.runID, s.body)
	}
	f.Fuzz(func(t *testing.T, query, runID, body string) {
		fx.t = t
		hub := hubPath(ws, sendable(query))
		res := fx.get(hub, tok)
		require.Contains(t, []int{http.StatusOK, http.StatusBadRequest}, res.Code, "%s: %s", hub, res.Body)

		detail := "/workspaces/" + itoa(ws) + "/operations/" + url.PathEscape(runID) + "?" + sendable(query)
		res = fx.get(detail, tok)
		require.Contains(t, []int{http.StatusOK, http.StatusBadRequest, http.StatusNotFound}, res.Code, "%s: %s", detail, res.Body)

		before := fx.rowState(run)
		res = fx.post(reconcilePath(ws, run), tok, body)
		require.Contains(t, []int{http.StatusOK, http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge},
			res.Code, "body %q: %s", body, res.Body)
		if res.Code != http.StatusOK {
			require.Equal(t, before, fx.rowState(run), "a refused reconcile wrote to the run")
		}

		for _, forged := range []string{runID, body} {
			if forged == tok {
				continue
			}
			res = fx.get(hubPath(ws, ""), forged)
			require.Equal(t, http.StatusUnauthorized, res.Code, "token %q: %s", forged, res.Body)
			require.Contains(t, res.Header.Get("WWW-Authenticate"), "Bearer")
		}
	})
}

// sendable percent-encodes the bytes an HTTP/1.1 request target cannot
// carry (space, controls, '#', non-ASCII) and keeps the rest, malformed
// escapes included, as a client would send them.
func sendable(query string) string {
	var b strings.Builder
	for i := range len(query) {
		if c := query[i]; c <= ' ' || c >= 0x7f || c == '#' {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
