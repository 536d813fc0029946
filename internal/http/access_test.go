package http_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// accessFixture: workspace ws with environments granted and hidden, member
// "grant" who sees only granted, and runs in each place.
type accessFixture struct {
	*fixture
	ws, other                int64
	granted, hidden          int64 // environments of ws
	inGranted, inHidden      int64 // stale, reconcilable runs of ws
	noEnv, otherWorkspaceRun int64
}

func setupAccess(t *testing.T) accessFixture {
	f := setup(t)
	a := accessFixture{fixture: f, ws: f.workspace("w"), other: f.workspace("other")}
	a.granted = f.environment(a.ws, "granted")
	a.hidden = f.environment(a.ws, "hidden")
	f.member(a.ws, "grant", "operator", a.granted)
	f.member(a.ws, "owner", "owner")
	f.member(a.ws, "reader", "readonly", a.granted)
	f.member(a.other, "grant", "owner")
	// Stale with proof that finalizes: a reconcile that ran before the access
	// check would write, which the hidden-run test would see.
	stale := runSpec{age: 3 * time.Hour, context: blockedInventory}
	stale.env = &a.granted
	a.inGranted = f.run(a.ws, stale)
	stale.env = &a.hidden
	a.inHidden = f.run(a.ws, stale)
	stale.env = nil
	a.noEnv = f.run(a.ws, stale)
	a.otherWorkspaceRun = f.run(a.other, stale)
	return a
}

// The five hidden cases answer byte for byte the same: status, headers and
// body, for the detail and for reconcile, and nothing is written.
func TestHiddenRunsAnswerIdentically404(t *testing.T) {
	a := setupAccess(t)
	unknownWorkspace := a.other + 100
	cases := map[string]struct {
		sub     string
		ws, run int64
	}{
		"non-member":               {"stranger", a.ws, a.inGranted},
		"unknown workspace":        {"grant", unknownWorkspace, a.inGranted},
		"run of another workspace": {"grant", a.ws, a.otherWorkspaceRun},
		"ungranted environment":    {"grant", a.ws, a.inHidden},
		"unknown run":              {"grant", a.ws, a.otherWorkspaceRun + 1000},
		// Visibility is decided before the role: a readonly member asking to
		// reconcile a run it cannot see gets the 404, never a 403.
		"readonly, ungranted environment": {"reader", a.ws, a.inHidden},
		"readonly, unknown run":           {"reader", a.ws, a.otherWorkspaceRun + 1000},
	}
	before := map[int64]string{}
	for _, id := range []int64{a.inGranted, a.inHidden, a.noEnv, a.otherWorkspaceRun} {
		before[id] = a.rowState(id)
	}
	send := func(method, path, sub, body string) response {
		return a.do(request{Method: method, Path: path, Token: a.token(sub), Body: body,
			Header: map[string]string{"X-Request-Id": "same-id"}})
	}
	for _, op := range []struct {
		method, suffix, body string
	}{{http.MethodGet, "", ""}, {http.MethodGet, "?include=diagnostics", ""},
		{http.MethodPost, "/reconcile", `{"note":"x"}`}, {http.MethodPost, "/reconcile", `{"dry_run":true}`}} {
		var first *response
		for name, c := range cases {
			res := send(op.method, runPath(c.ws, c.run)+op.suffix, c.sub, op.body)
			require.Equal(t, http.StatusNotFound, res.Code, name)
			if first == nil {
				first = &res
				continue
			}
			require.Equal(t, first.Header, res.Header, "%s %s: headers", name, op.method)
			require.Equal(t, string(first.Body), string(res.Body), "%s %s: body", name, op.method)
		}
		require.Equal(t, "application/problem+json", first.Header.Get("Content-Type"))
	}
	for id, state := range before {
		require.Equal(t, state, a.rowState(id), "run %d unchanged", id)
	}

	// The hub and families answer a non-member and an unknown workspace alike,
	// and like a hidden run.
	hidden := send(http.MethodGet, runPath(a.ws, a.inHidden), "grant", "")
	for _, path := range []string{hubPath(a.ws, ""), "/workspaces/" + itoa(a.ws) + "/reconciliation/families"} {
		res := send(http.MethodGet, path, "stranger", "")
		require.Equal(t, http.StatusNotFound, res.Code)
		require.Equal(t, hidden.Header, res.Header)
		require.Equal(t, string(hidden.Body), string(res.Body))
	}
	for _, path := range []string{hubPath(unknownWorkspace, ""), "/workspaces/" + itoa(unknownWorkspace) + "/reconciliation/families"} {
		res := send(http.MethodGet, path, "grant", "")
		require.Equal(t, http.StatusNotFound, res.Code, path)
		require.Equal(t, hidden.Header, res.Header, path)
		require.Equal(t, string(hidden.Body), string(res.Body), path)
	}
}

// A member without all_environments sees the runs of granted environments
// only; runs without an environment need all_environments.
func TestEnvironmentGrantsScopeWhatAMemberSees(t *testing.T) {
	a := setupAccess(t)
	require.Equal(t, http.StatusOK, a.get(runPath(a.ws, a.inGranted), a.token("grant")).Code)
	require.Equal(t, http.StatusNotFound, a.get(runPath(a.ws, a.noEnv), a.token("grant")).Code)
	require.Equal(t, http.StatusOK, a.get(runPath(a.ws, a.noEnv), a.token("owner")).Code)

	require.Equal(t, []int64{a.inGranted}, itemIDs(t, a.get(hubPath(a.ws, ""), a.token("grant"))))
	require.ElementsMatch(t, []int64{a.inGranted, a.inHidden, a.noEnv}, itemIDs(t, a.get(hubPath(a.ws, ""), a.token("owner"))))
	// Filtering on an ungranted environment shows nothing rather than leaking.
	require.Empty(t, itemIDs(t, a.get(hubPath(a.ws, "environment="+itoa(a.hidden)), a.token("grant"))))
}

// Roles: owner, manager and operator view and reconcile; readonly views and
// gets 403 on reconcile, with nothing written.
func TestRolesAndCapabilities(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	for _, role := range []string{"owner", "manager", "operator", "readonly"} {
		f.member(ws, role, role)
	}
	families := "/workspaces/" + itoa(ws) + "/reconciliation/families"
	for _, role := range []string{"owner", "manager", "operator", "readonly"} {
		run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
		tok := f.token(role)
		require.Equal(t, http.StatusOK, f.get(hubPath(ws, ""), tok).Code, role)
		require.Equal(t, http.StatusOK, f.get(runPath(ws, run), tok).Code, role)
		require.Equal(t, http.StatusOK, f.get(families, tok).Code, role)

		before := f.rowState(run)
		res := f.post(reconcilePath(ws, run), tok, `{"dry_run":true}`)
		if role == "readonly" {
			require.Equal(t, http.StatusForbidden, res.Code)
			require.Equal(t, "forbidden", res.json(t)["code"])
			require.Equal(t, http.StatusForbidden, f.post(reconcilePath(ws, run), tok, ``).Code)
			require.Equal(t, before, f.rowState(run))
			continue
		}
		require.Equal(t, http.StatusOK, res.Code, role)
		res = f.post(reconcilePath(ws, run), tok, ``)
		require.Equal(t, http.StatusOK, res.Code, role)
		require.Equal(t, true, res.json(t)["reconciliation"].(map[string]any)["applied"], role)
	}
}

// Membership is read on every request: a removed member loses access at once,
// and a demoted one loses reconcile at once.
func TestMembershipChangesApplyAtOnce(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
	tok := f.token("alice")
	require.Equal(t, http.StatusOK, f.get(runPath(ws, run), tok).Code)
	require.Equal(t, http.StatusOK, f.post(reconcilePath(ws, run), tok, `{"dry_run":true}`).Code)

	f.exec(`update workspace_members set role = 'readonly' where workspace_id = $1 and subject = 'alice'`, ws)
	require.Equal(t, http.StatusForbidden, f.post(reconcilePath(ws, run), tok, `{"dry_run":true}`).Code)

	f.exec(`delete from workspace_members where workspace_id = $1 and subject = 'alice'`, ws)
	for _, res := range []response{
		f.get(runPath(ws, run), tok),
		f.get(hubPath(ws, ""), tok),
		f.post(reconcilePath(ws, run), tok, ``),
	} {
		require.Equal(t, http.StatusNotFound, res.Code)
	}
}
