package http_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
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
	t.Helper()
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
	sameID := withHeader("X-Request-Id", "same-id")
	diagnostics := apiclient.GetRunParams{Include: new(apiclient.GetRunParamsIncludeDiagnostics)}
	for _, op := range []struct {
		name string
		call func(c caller, ws, run int64) response
	}{
		{"detail", func(c caller, ws, run int64) response {
			r := c.getRun(ws, run, apiclient.GetRunParams{}, sameID)
			return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
		}},
		{"diagnostics", func(c caller, ws, run int64) response {
			r := c.getRun(ws, run, diagnostics, sameID)
			return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
		}},
		{"reconcile", func(c caller, ws, run int64) response {
			r := c.reconcile(ws, run, apiclient.ReconcileRequest{Note: new("x")}, sameID)
			return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
		}},
		{"dry run", func(c caller, ws, run int64) response {
			r := c.reconcile(ws, run, apiclient.ReconcileRequest{DryRun: new(true)}, sameID)
			return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
		}},
	} {
		var first *response
		for name, c := range cases {
			res := op.call(a.as(c.sub), c.ws, c.run)
			require.Equal(t, http.StatusNotFound, res.Code, "%s %s", name, op.name)
			if first == nil {
				first = &res
				continue
			}
			require.Equal(t, first.Header, res.Header, "%s %s: headers", name, op.name)
			require.Equal(t, string(first.Body), string(res.Body), "%s %s: body", name, op.name)
		}
		require.Equal(t, "application/problem+json", first.Header.Get("Content-Type"))
	}
	for id, state := range before {
		require.Equal(t, state, a.rowState(id), "run %d unchanged", id)
	}

	// The hub and families answer a non-member and an unknown workspace alike,
	// and like a hidden run.
	hidden := status(t, http.StatusNotFound, a.as("grant").getRun(a.ws, a.inHidden, apiclient.GetRunParams{}, sameID))
	hub := func(sub string, ws int64) response {
		r := a.as(sub).listRuns(ws, apiclient.ListRunsParams{}, sameID)
		return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
	}
	families := func(sub string, ws int64) response {
		r := a.as(sub).families(ws, sameID)
		return response{r.StatusCode(), r.HTTPResponse.Header, r.Body}
	}
	for name, res := range map[string]response{
		"hub, non-member":             hub("stranger", a.ws),
		"families, non-member":        families("stranger", a.ws),
		"hub, unknown workspace":      hub("grant", unknownWorkspace),
		"families, unknown workspace": families("grant", unknownWorkspace),
	} {
		require.Equal(t, http.StatusNotFound, res.Code, name)
		require.Equal(t, hidden.HTTPResponse.Header, res.Header, name)
		require.Equal(t, string(hidden.Body), string(res.Body), name)
	}
}

// A member without all_environments sees the runs of granted environments
// only; runs without an environment need all_environments.
func TestEnvironmentGrantsScopeWhatAMemberSees(t *testing.T) {
	a := setupAccess(t)
	grant, owner := a.as("grant"), a.as("owner")
	ok(t, grant.getRun(a.ws, a.inGranted, apiclient.GetRunParams{}))
	status(t, http.StatusNotFound, grant.getRun(a.ws, a.noEnv, apiclient.GetRunParams{}))
	ok(t, owner.getRun(a.ws, a.noEnv, apiclient.GetRunParams{}))

	require.Equal(t, []int64{a.inGranted}, pageIDs(ok(t, grant.listRuns(a.ws, apiclient.ListRunsParams{})).JSON200))
	require.ElementsMatch(t, []int64{a.inGranted, a.inHidden, a.noEnv}, pageIDs(ok(t, owner.listRuns(a.ws, apiclient.ListRunsParams{})).JSON200))
	// Filtering on an ungranted environment shows nothing rather than leaking.
	require.Empty(t, ok(t, grant.listRuns(a.ws, apiclient.ListRunsParams{Environment: &a.hidden})).JSON200.Items)
}

// Roles: owner, manager and operator view and reconcile; readonly views and
// gets 403 on reconcile, with nothing written.
func TestRolesAndCapabilities(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	for _, role := range []string{"owner", "manager", "operator", "readonly"} {
		f.member(ws, role, role)
	}
	for _, role := range []string{"owner", "manager", "operator", "readonly"} {
		run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
		c := f.as(role)
		ok(t, c.listRuns(ws, apiclient.ListRunsParams{}))
		ok(t, c.getRun(ws, run, apiclient.GetRunParams{}))
		ok(t, c.families(ws))

		before := f.rowState(run)
		dry := apiclient.ReconcileRequest{DryRun: new(true)}
		if role == "readonly" {
			res := status(t, http.StatusForbidden, c.reconcile(ws, run, dry))
			require.Equal(t, apiclient.ProblemCodeForbidden, res.ApplicationproblemJSON403.Code)
			status(t, http.StatusForbidden, c.reconcile(ws, run, apiclient.ReconcileRequest{}))
			require.Equal(t, before, f.rowState(run))
			continue
		}
		ok(t, c.reconcile(ws, run, dry))
		require.True(t, ok(t, c.reconcile(ws, run, apiclient.ReconcileRequest{})).JSON200.Reconciliation.Applied, role)
	}
}

// Membership is read on every request: a removed member loses access at once,
// and a demoted one loses reconcile at once.
func TestMembershipChangesApplyAtOnce(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour, context: blockedInventory})
	alice := f.as("alice")
	dry := apiclient.ReconcileRequest{DryRun: new(true)}
	ok(t, alice.getRun(ws, run, apiclient.GetRunParams{}))
	ok(t, alice.reconcile(ws, run, dry))

	f.exec(`update workspace_members set role = 'readonly' where workspace_id = $1 and subject = 'alice'`, ws)
	status(t, http.StatusForbidden, alice.reconcile(ws, run, dry))

	f.exec(`delete from workspace_members where workspace_id = $1 and subject = 'alice'`, ws)
	status(t, http.StatusNotFound, alice.getRun(ws, run, apiclient.GetRunParams{}))
	status(t, http.StatusNotFound, alice.listRuns(ws, apiclient.ListRunsParams{}))
	status(t, http.StatusNotFound, alice.reconcile(ws, run, apiclient.ReconcileRequest{}))
}
