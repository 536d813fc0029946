package app_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
)

// harness is what a use-case test works on: a database with one world, in
// both of whose workspaces the members below may reconcile.
type harness struct {
	pool *pgxpool.Pool
	w    prooftest.World
	app  *app.App
}

// member is the subject reconciles are made as unless a test names another.
const member = "member"

func setup(t *testing.T) *harness {
	t.Helper()
	return newHarness(t, dbtest.New(t))
}

// newHarness builds a harness on pool, with the default configuration.
func newHarness(t testing.TB, pool *pgxpool.Pool) *harness {
	t.Helper()
	w := prooftest.NewWorld(t, pool)
	for _, ws := range []int64{w.WS, w.OtherWS} {
		addMembers(t, pool, ws)
	}
	return &harness{pool: pool, w: w, app: newApp(t, pool)}
}

// newApp is another App on pool, for a test that installs hooks.
func newApp(t testing.TB, pool *pgxpool.Pool) *app.App {
	t.Helper()
	a, err := app.New(pool, app.Config{})
	require.NoError(t, err)
	return a
}

// addMembers makes the subjects the tests reconcile as operators of ws, who
// see all its environments.
func addMembers(t testing.TB, pool *pgxpool.Pool, ws int64) {
	t.Helper()
	for _, sub := range []string{member, "alice", "bob", "racer", "operator"} {
		_, err := pool.Exec(context.Background(), `INSERT INTO workspace_members (workspace_id, subject, role) VALUES ($1, $2, 'operator')`, ws, sub)
		require.NoError(t, err)
	}
}

// reconcileAs is a manual reconcile of run by subject, in the world's workspace.
func (b *harness) reconcileAs(ctx context.Context, subject string, run domain.Run, dryRun bool) (app.ReconcileResult, error) {
	return b.app.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: run.WorkspaceID, RunID: run.ID, Subject: subject, DryRun: dryRun})
}

// scene is one test case's view: the run type under test and helpers that
// write its proof.
type scene struct {
	t   *testing.T
	b   *harness
	typ string
}

// run inserts a stale running run of the scene's type in the world's
// workspace and environment.
func (s scene) run(ctx, failures any) domain.Run {
	s.t.Helper()
	return prooftest.InsertRun(s.t, s.b.pool, prooftest.Run{WS: s.b.w.WS, Env: &s.b.w.Env, Type: s.typ, Context: ctx, Failures: failures})
}

// reread returns the run as it is now (proof writes moved its updated_at).
func (s scene) reread(r domain.Run) domain.Run {
	s.t.Helper()
	return prooftest.Get(s.t, s.b.pool, r.WorkspaceID, r.ID)
}

// exec runs a statement of the test's own.
func (s scene) exec(sql string, args ...any) {
	s.t.Helper()
	_, err := s.b.pool.Exec(context.Background(), sql, args...)
	require.NoError(s.t, err, sql)
}

// setContext replaces the run's context (for pointers known only after the
// artifact exists) and returns the run re-read.
func (s scene) setContext(r domain.Run, ctx any) domain.Run {
	s.t.Helper()
	b, err := json.Marshal(ctx)
	require.NoError(s.t, err)
	s.exec(`UPDATE operation_runs SET context = $2::jsonb WHERE id = $1`, r.ID, string(b))
	return s.reread(r)
}

type obj = map[string]any

var digit = regexp.MustCompile(`[0-9]`)

// requireCalmSentence checks an explanation is one operator sentence with
// figures and nothing raw in it.
func requireCalmSentence(t *testing.T, d domain.Decision) {
	t.Helper()
	e := d.Explanation
	require.NotEmpty(t, e)
	require.True(t, strings.HasSuffix(e, "."), "ends with a period: %q", e)
	require.Regexp(t, `^[A-Z]`, e)
	require.Regexp(t, digit, e, "has figures: %q", e)
	for _, bad := range []string{"{", "}", "map[", "%!", "error", "\n", "<nil>", ".."} {
		require.NotContains(t, e, bad, "explanation %q", e)
	}
	require.Equal(t, 1, strings.Count(strings.TrimSuffix(e, "."), ". ")+1, "one sentence: %q", e)
	require.NotNil(t, d.Proof)
	require.NotNil(t, d.Links)
}
