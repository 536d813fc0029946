package http_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/domain"
	rphttp "github.com/runproof/runproof/internal/http"
)

// failingReconcile is the fixture's App, except that every reconcile
// answers err.
type failingReconcile struct {
	*app.App
	err error
}

func (r failingReconcile) Reconcile(context.Context, app.ReconcileRequest) (app.ReconcileResult, error) {
	return app.ReconcileResult{}, r.err
}

func TestReconcileConflictIs409(t *testing.T) {
	f := setupWith(t, func(_ *fixture, d *rphttp.Deps) {
		d.App = failingReconcile{d.App.(*app.App), fmt.Errorf("attempt 3: %w", domain.ErrConflict)}
	})
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour})
	res := status(t, http.StatusConflict, f.as("alice").reconcile(ws, run, apiclient.ReconcileRequest{}))
	require.Equal(t, apiclient.ProblemCodeConflict, res.ApplicationproblemJSON409.Code)
}

// An unknown error is a bare 500: its detail is logged with the request id,
// never sent.
func TestUnknownErrorsAre500AndLoggedOnly(t *testing.T) {
	f := setupWith(t, func(_ *fixture, d *rphttp.Deps) {
		d.App = failingReconcile{d.App.(*app.App), errors.New("pq: password for db-admin is hunter2")}
	})
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour})
	res := status(t, http.StatusInternalServerError, f.as("alice").reconcileRaw(ws, run, "", "", withHeader("X-Request-Id", "req-500")))
	require.JSONEq(t, `{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"Internal error.","code":"internal"}`, string(res.Body))
	require.NotContains(t, string(res.Body), "hunter2")
	logs := f.logs.String()
	require.Contains(t, logs, "hunter2")
	require.Contains(t, logs, `"request_id":"req-500"`)
}

// Every request is logged with method, route pattern, status, duration and
// request id.
func TestRequestsAreLogged(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{})
	ok(t, f.as("alice").getRun(ws, run, apiclient.GetRunParams{}, withHeader("X-Request-Id", "req-1")))
	var line string
	for l := range strings.SplitSeq(f.logs.String(), "\n") {
		if strings.Contains(l, `"request_id":"req-1"`) {
			line = l
		}
	}
	for _, want := range []string{`"msg":"request"`, `"method":"GET"`, `"route":"/workspaces/{ws}/operations/{run}"`, `"status":200`, `"duration_ms":`} {
		require.Contains(t, line, want)
	}
}
