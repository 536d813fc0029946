package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/dbtest"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, environ []string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, environ, &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func TestConfigErrorStopsWithOneLine(t *testing.T) {
	t.Parallel()
	res := runCLI(t, []string{"DATABASE_URL=postgres://x", "SWEEP_INTERVAL=often"}, "migrate", "status")
	require.Equal(t, 1, res.code)
	require.Contains(t, res.stderr, "SWEEP_INTERVAL")
	require.Equal(t, 1, strings.Count(res.stderr, "\n"), "one line: %q", res.stderr)

	res = runCLI(t, nil, "migrate", "status")
	require.Equal(t, 1, res.code)
	require.Contains(t, res.stderr, "DATABASE_URL")
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"fly"}, {"migrate"}, {"migrate", "sideways"}, {"token"}, {"seed", "prod"}} {
		res := runCLI(t, []string{"DATABASE_URL=postgres://x"}, args...)
		require.Equal(t, 2, res.code, "args %v", args)
		require.Contains(t, res.stderr, "usage: api")
	}
}

func TestMigrateVerbs(t *testing.T) {
	t.Parallel()
	_, url := dbtest.NewEmpty(t)
	env := []string{"DATABASE_URL=" + url}

	res := runCLI(t, env, "migrate", "status")
	require.Equal(t, 0, res.code, res.stderr)
	require.Contains(t, res.stdout, "pending")

	res = runCLI(t, env, "migrate", "up")
	require.Equal(t, 0, res.code, res.stderr)
	require.Contains(t, res.stdout, "applied 1")

	res = runCLI(t, env, "migrate", "up")
	require.Equal(t, 0, res.code, res.stderr)
	require.Contains(t, res.stdout, "already up to date")

	res = runCLI(t, env, "migrate", "status")
	require.Equal(t, 0, res.code, res.stderr)
	require.NotContains(t, res.stdout, "pending")

	for {
		res = runCLI(t, env, "migrate", "down")
		require.Equal(t, 0, res.code, res.stderr)
		if strings.Contains(res.stdout, "nothing to roll back") {
			break
		}
		require.Contains(t, res.stdout, "rolled back")
	}
}

func TestTokenVerb(t *testing.T) {
	t.Parallel()
	res := runCLI(t, []string{devSecret}, "token", "--sub", "demo", "--ttl", "1h")
	require.Equal(t, 0, res.code, res.stderr)
	v, _, err := newVerifier(t.Context(), mustConfig(t, devSecret), quiet)
	require.NoError(t, err)
	id, err := v.Verify(strings.TrimSpace(res.stdout))
	require.NoError(t, err)
	require.Equal(t, "demo", id.Subject)

	res = runCLI(t, nil, "token", "--sub", "demo")
	require.Equal(t, 1, res.code)
	require.Contains(t, res.stderr, "JWT_HS256_SECRET")

	// With an issuer and audience configured, dev tokens carry them: serve accepts them.
	env := []string{devSecret, "JWT_ISSUER=idp", "JWT_AUDIENCE=runproof"}
	res = runCLI(t, env, "token", "--sub", "demo")
	require.Equal(t, 0, res.code, res.stderr)
	v, _, err = newVerifier(t.Context(), mustConfig(t, env...), quiet)
	require.NoError(t, err)
	_, err = v.Verify(strings.TrimSpace(res.stdout))
	require.NoError(t, err)

	// And the member in JWT_SUBJECT_CLAIM, for one of several audiences.
	env = []string{devSecret, "JWT_SUBJECT_CLAIM=oid", "JWT_AUDIENCE=api://runproof,client-id"}
	res = runCLI(t, env, "token", "--sub", "demo")
	require.Equal(t, 0, res.code, res.stderr)
	v, _, err = newVerifier(t.Context(), mustConfig(t, env...), quiet)
	require.NoError(t, err)
	id, err = v.Verify(strings.TrimSpace(res.stdout))
	require.NoError(t, err)
	require.Equal(t, "demo", id.Subject)
}

// serve stops before listening, with one line naming the setting, when it
// cannot verify tokens or reach no database.
func TestServeSettingErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("not a key"), 0o600))

	for env, setting := range map[string][]string{
		"JWT_HS256_SECRET":    {"DATABASE_URL=postgres://x"},
		"JWT_PUBLIC_KEY_FILE": {"DATABASE_URL=postgres://x", "JWT_PUBLIC_KEY_FILE=" + filepath.Join(dir, "missing.pem")},
		"DATABASE_URL":        {devSecret},
	} {
		res := runCLI(t, setting, "serve")
		require.Equal(t, 1, res.code, env)
		require.Contains(t, res.stderr, env)
		require.Equal(t, 1, strings.Count(res.stderr, "\n"), "one line: %q", res.stderr)
	}
	res := runCLI(t, []string{"DATABASE_URL=postgres://x", "JWT_PUBLIC_KEY_FILE=" + notPEM}, "serve")
	require.Equal(t, 1, res.code)
	require.Contains(t, res.stderr, "JWT_PUBLIC_KEY_FILE")
	require.Equal(t, 1, strings.Count(res.stderr, "\n"), "one line: %q", res.stderr)
}

func TestSeedDemoVerb(t *testing.T) {
	t.Parallel()
	_, url := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + url}

	first := runCLI(t, env, "seed", "demo")
	require.Equal(t, 0, first.code, first.stderr)
	require.Regexp(t, `^demo workspace \d+ created\n$`, first.stdout)

	again := runCLI(t, env, "seed", "demo")
	require.Equal(t, 0, again.code, again.stderr)
	require.Equal(t, strings.Replace(first.stdout, "created", "already present (use --reset to recreate)", 1), again.stdout)

	res := runCLI(t, env, "seed", "demo", "--reset")
	require.Equal(t, 0, res.code, res.stderr)
	require.Contains(t, res.stdout, "created")
}

func TestReconcileStaleVerb(t *testing.T) {
	t.Parallel()
	_, url := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + url}
	require.Equal(t, 0, runCLI(t, env, "seed", "demo").code)

	dry := runCLI(t, env, "reconcile", "--stale", "--dry-run")
	require.Equal(t, 0, dry.code, dry.stderr)
	require.Contains(t, dry.stdout, "would finalize (dry run)")
	require.Regexp(t, `inventory\.sync\s+finalized\s+succeeded\s+1\n`, dry.stdout)
	require.Regexp(t, `policy\.sync\s+unsupported_family\s+failed\s+1\n`, dry.stdout)

	res := runCLI(t, env, "reconcile", "--stale")
	require.Equal(t, 0, res.code, res.stderr)
	// How the runs fall into batches depends on which worker claims first.
	batches := regexp.MustCompile(`in \d+ batch(es)?`)
	require.Equal(t, batches.ReplaceAllString(strings.Replace(dry.stdout, "would finalize (dry run)", "finalized", 1), "in N batches"),
		batches.ReplaceAllString(res.stdout, "in N batches"), "the real pass does what the dry run said")

	again := runCLI(t, env, "reconcile", "--stale")
	require.Equal(t, 0, again.code)
	require.Contains(t, again.stdout, "stale runs: 0 claimed")

	require.Equal(t, 2, runCLI(t, env, "reconcile").code, "--stale is required")
	require.Equal(t, 2, runCLI(t, env, "reconcile", "--stale", "--workspace", "x").code)

	down := runCLI(t, []string{"DATABASE_URL=postgres://nobody@127.0.0.1:1/none?connect_timeout=1"}, "reconcile", "--stale")
	require.Equal(t, 1, down.code, "an unreachable database is an error")
	require.Equal(t, 1, strings.Count(down.stderr, "\n"))
}

// A stale run that cannot be written is counted, named in the log, and makes
// the pass's exit code 1, while every other stale run is finalized.
func TestReconcileStaleVerbReportsAFailedRun(t *testing.T) {
	t.Parallel()
	pool, url := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + url}
	require.Equal(t, 0, runCLI(t, env, "seed", "demo").code)
	var poison int64 // a run quiet for longer than any threshold
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT min(id) FROM operation_runs
		WHERE status = 'running' AND coalesce(last_heartbeat_at, started_at, created_at) < now() - interval '90 minutes'`).Scan(&poison))
	_, err := pool.Exec(context.Background(), fmt.Sprintf(`
		CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.id = %d THEN RAISE EXCEPTION 'poisoned'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER poison BEFORE UPDATE ON operation_runs FOR EACH ROW EXECUTE FUNCTION poison();`, poison))
	require.NoError(t, err)

	res := runCLI(t, env, "reconcile", "--stale")
	require.Equal(t, 1, res.code, res.stderr)
	require.Regexp(t, `stale runs: (\d+) claimed, (\d+) finalized, 0 skipped, 1 failed, in \d+ batch`, res.stdout, res.stderr)
	require.Contains(t, res.stderr, fmt.Sprintf("run_id=%d", poison))
	require.Contains(t, res.stderr, "api: 1 stale runs could not be finalized; their ids are in the log")
	again := runCLI(t, env, "reconcile", "--stale")
	require.Regexp(t, `stale runs: 1 claimed, 0 finalized, 0 skipped, 1 failed`, again.stdout, "only the failed run is left")
}
