package reconcile_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/reconcile"
)

// harness is what a reconcile test works on: a database with one world.
type harness struct {
	pool *pgxpool.Pool
	w    prooftest.World
	rec  *reconcile.Reconciler
}

func setup(t *testing.T) *harness {
	t.Helper()
	pool := dbtest.New(t)
	return &harness{pool: pool, w: prooftest.NewWorld(t, pool),
		rec: reconcile.NewReconciler(pool, domain.DefaultStaleness(), time.Now)}
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
