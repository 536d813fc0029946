package http_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

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
	routes := []request{
		{Method: http.MethodGet, Path: hubPath(ws, "")},
		{Method: http.MethodGet, Path: runPath(ws, run)},
		{Method: http.MethodPost, Path: reconcilePath(ws, run), Body: `{}`},
		{Method: http.MethodGet, Path: "/workspaces/1/reconciliation/families"},
		{Method: http.MethodGet, Path: "/workspaces/abc/operations"},
	}
	for name, h := range headers {
		for _, req := range routes {
			req.Header = map[string]string{}
			if h != "" {
				req.Header["Authorization"] = h
			}
			if name == "token in query" {
				req.Path += "?access_token=" + good
			}
			res := f.do(req)
			require.Equal(t, http.StatusUnauthorized, res.Code, "%s: %s %s", name, req.Method, req.Path)
			require.True(t, strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer"), name)
			require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
			require.Equal(t, "unauthenticated", res.json(t)["code"])
		}
	}
	require.Equal(t, before, f.rowState(run), "no unauthenticated call writes")

	// The same token in the header works, whatever the scheme's case.
	res := f.do(request{Path: runPath(ws, run), Header: map[string]string{"Authorization": "bearer " + good}})
	require.Equal(t, http.StatusOK, res.Code)
}
