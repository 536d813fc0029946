package http_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
	"github.com/runproof/runproof/internal/authz"
)

// Every workspace route refuses a request without a valid bearer token in
// the Authorization header, before anything else is looked at.
func TestWorkspaceRoutesNeedAValidBearerToken(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour})
	before := f.rowState(run)

	expired, err := authz.IssueHS256(authz.IssueParams{Secret: secret, Subject: "alice", TTL: time.Minute, Now: f.now.Add(-time.Hour)})
	require.NoError(t, err)
	otherKey, err := authz.IssueHS256(authz.IssueParams{Secret: []byte("another-secret-another-secret-another"), Subject: "alice", TTL: time.Hour, Now: f.now})
	require.NoError(t, err)
	noSub, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"exp": f.now.Add(time.Hour).Unix()}).SignedString(secret)
	require.NoError(t, err)
	good := f.token("alice")

	headers := map[string]string{
		"missing":        "",
		"garbage":        "Bearer garbage",
		"expired":        "Bearer " + expired,
		"other key":      "Bearer " + otherKey,
		"no sub":         "Bearer " + noSub,
		"basic scheme":   "Basic " + good,
		"no scheme":      good,
		"empty bearer":   "Bearer ",
		"scheme only":    "Bearer",
		"token in query": "",
	}
	anon := f.as("")
	routes := map[string]func(edit apiclient.RequestEditorFn) response{
		"hub": func(edit apiclient.RequestEditorFn) response {
			r := anon.listRuns(ws, apiclient.ListRunsParams{}, edit)
			return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
		},
		"detail": func(edit apiclient.RequestEditorFn) response {
			r := anon.getRun(ws, run, apiclient.GetRunParams{}, edit)
			return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
		},
		"reconcile": func(edit apiclient.RequestEditorFn) response {
			r := anon.reconcile(ws, run, apiclient.ReconcileRequest{}, edit)
			return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
		},
		"families": func(edit apiclient.RequestEditorFn) response {
			r := anon.families(1, edit)
			return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
		},
	}
	for name, h := range headers {
		edit := func(_ context.Context, req *http.Request) error {
			if h != "" {
				req.Header.Set("Authorization", h)
			}
			if name == "token in query" {
				q := req.URL.Query()
				q.Set("access_token", good)
				req.URL.RawQuery = q.Encode()
			}
			return nil
		}
		// The token is checked before the path is read.
		malformed := request{Path: "/workspaces/abc/operations", Header: map[string]string{}}
		if h != "" {
			malformed.Header["Authorization"] = h
		}
		if name == "token in query" {
			malformed.Path += "?access_token=" + good
		}
		answers := map[string]response{"malformed id": f.do(malformed)}
		for route, call := range routes {
			answers[route] = call(edit)
		}
		for route, res := range answers {
			require.Equal(t, http.StatusUnauthorized, res.Code, "%s: %s", name, route)
			require.True(t, strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer"), name)
			require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
			require.Equal(t, "unauthenticated", res.json(t)["code"])
		}
	}
	require.Equal(t, before, f.rowState(run), "no unauthenticated call writes")

	// The same token in the header works, whatever the scheme's case.
	ok(t, anon.getRun(ws, run, apiclient.GetRunParams{}, withHeader("Authorization", "bearer "+good)))
}
