// Package prooftest inserts runs and the proof they record, for tests and
// benchmarks that need a real database: each helper writes one row (or one
// set-based statement) and fails the test on error.
package prooftest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// World is a workspace with two environments, a second workspace, and a
// baseline profile and backup schedule in each place proof may live.
type World struct {
	WS, Env, OtherEnv   int64
	OtherWS, OtherWSEnv int64
	// Profile and Schedule are of WS/Env; OtherProfile is another profile
	// of WS; OtherSchedule is another schedule of WS/Env.
	Profile, OtherProfile   int64
	Schedule, OtherSchedule int64
	// OtherWSProfile and OtherWSSchedule live in OtherWS, for its artifacts.
	OtherWSProfile, OtherWSSchedule int64
}

// ProfileIn returns the world's baseline profile of workspace ws.
func (w World) ProfileIn(ws int64) int64 {
	if ws == w.OtherWS {
		return w.OtherWSProfile
	}
	return w.Profile
}

// ScheduleIn returns the world's backup schedule of workspace ws.
func (w World) ScheduleIn(ws int64) int64 {
	if ws == w.OtherWS {
		return w.OtherWSSchedule
	}
	return w.Schedule
}

// NewWorld inserts a World with names unique to it, so several worlds share a
// database.
func NewWorld(t testing.TB, db repo.DBTX) World {
	t.Helper()
	var w World
	w.WS = id(t, db, `INSERT INTO workspaces (slug, name) VALUES ('w' || gen_random_uuid(), 'W') RETURNING id`)
	w.OtherWS = id(t, db, `INSERT INTO workspaces (slug, name) VALUES ('o' || gen_random_uuid(), 'O') RETURNING id`)
	w.Env = id(t, db, `INSERT INTO managed_environments (workspace_id, name) VALUES ($1, 'prod') RETURNING id`, w.WS)
	w.OtherEnv = id(t, db, `INSERT INTO managed_environments (workspace_id, name) VALUES ($1, 'staging') RETURNING id`, w.WS)
	w.OtherWSEnv = id(t, db, `INSERT INTO managed_environments (workspace_id, name) VALUES ($1, 'prod') RETURNING id`, w.OtherWS)
	w.Profile = id(t, db, `INSERT INTO baseline_profiles (workspace_id, name) VALUES ($1, 'p1') RETURNING id`, w.WS)
	w.OtherProfile = id(t, db, `INSERT INTO baseline_profiles (workspace_id, name) VALUES ($1, 'p2') RETURNING id`, w.WS)
	w.Schedule = id(t, db, `INSERT INTO backup_schedules (workspace_id, managed_environment_id, name) VALUES ($1, $2, 's1') RETURNING id`, w.WS, w.Env)
	w.OtherSchedule = id(t, db, `INSERT INTO backup_schedules (workspace_id, managed_environment_id, name) VALUES ($1, $2, 's2') RETURNING id`, w.WS, w.Env)
	w.OtherWSProfile = id(t, db, `INSERT INTO baseline_profiles (workspace_id, name) VALUES ($1, 'p1') RETURNING id`, w.OtherWS)
	w.OtherWSSchedule = id(t, db, `INSERT INTO backup_schedules (workspace_id, managed_environment_id, name) VALUES ($1, $2, 's1') RETURNING id`, w.OtherWS, w.OtherWSEnv)
	return w
}

// Run is a run to insert. Zero fields take defaults: status running, started
// two hours ago (stale for every family), context {} and failures [].
type Run struct {
	WS      int64
	Env     *int64
	Type    string
	Status  string
	Outcome string
	// Context and Failures are JSON text or Go values to encode.
	Context  any
	Failures any
	// Started is when it started (and was created); zero means two hours ago.
	Started time.Time
}

// InsertRun inserts r and returns it as repo.RunGet reads it.
func InsertRun(t testing.TB, db repo.DBTX, r Run) domain.Run {
	t.Helper()
	status, outcome := r.Status, r.Outcome
	if status == "" {
		status = "running"
	}
	if outcome == "" {
		outcome = "pending"
	}
	started := r.Started
	if started.IsZero() {
		started = time.Now().Add(-2 * time.Hour)
	}
	var completed *time.Time
	if status == "completed" {
		completed = &started
	}
	runID := id(t, db, `INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, outcome,
			context, failures, created_at, started_at, completed_at)
		VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $8, $9) RETURNING id`,
		r.WS, r.Env, r.Type, status, outcome, jsonText(t, r.Context, "{}"), jsonText(t, r.Failures, "[]"), started, completed)
	return Get(t, db, r.WS, runID)
}

// Get reads run id of workspace ws.
func Get(t testing.TB, db repo.DBTX, ws, runID int64) domain.Run {
	t.Helper()
	run, err := repo.RunGet(context.Background(), db, ws, runID)
	require.NoError(t, err)
	return run
}

// Items inserts n inventory items of policyType in (ws, env), last seen by run.
func Items(t testing.TB, db repo.DBTX, ws, env, run int64, policyType string, n int) {
	t.Helper()
	exec(t, db, `INSERT INTO inventory_items (workspace_id, managed_environment_id, policy_type, external_id,
			last_seen_operation_run_id, last_seen_at)
		SELECT $1, $2, $3, gen_random_uuid()::text, $4, now() FROM generate_series(1, $5::int)`,
		ws, env, policyType, run, n)
}

// Snapshot is a baseline snapshot to insert; Run 0 means operation_run_id NULL.
type Snapshot struct {
	WS, Env, Profile, Run int64
	Items, Gaps           int
}

// InsertSnapshot inserts s and returns its id.
func InsertSnapshot(t testing.TB, db repo.DBTX, s Snapshot) int64 {
	t.Helper()
	return id(t, db, `INSERT INTO baseline_snapshots (workspace_id, managed_environment_id, baseline_profile_id,
			operation_run_id, item_count, gap_count)
		VALUES ($1, $2, $3, nullif($4, 0), $5, $6) RETURNING id`, s.WS, s.Env, s.Profile, s.Run, s.Items, s.Gaps)
}

// Set is a backup set to insert; Schedule and Run 0 mean NULL, Status ""
// means completed.
type Set struct {
	WS, Env, Schedule, Run int64
	Status                 string
	Expected               int
}

// InsertSet inserts s and returns its id.
func InsertSet(t testing.TB, db repo.DBTX, s Set) int64 {
	t.Helper()
	status := s.Status
	if status == "" {
		status = "completed"
	}
	return id(t, db, `INSERT INTO backup_sets (workspace_id, managed_environment_id, backup_schedule_id,
			operation_run_id, status, item_count)
		VALUES ($1, $2, nullif($3, 0), nullif($4, 0), $5, $6) RETURNING id`, s.WS, s.Env, s.Schedule, s.Run, status, s.Expected)
}

// BackupItems inserts n items of set with the given status and
// assignments_status.
func BackupItems(t testing.TB, db repo.DBTX, set int64, status, assignments string, n int) {
	t.Helper()
	exec(t, db, `INSERT INTO backup_items (backup_set_id, policy_type, external_id, status, assignments_status)
		SELECT $1, 'deviceConfiguration', gen_random_uuid()::text, $2, $3 FROM generate_series(1, $4::int)`,
		set, status, assignments, n)
}

// RunUpdates counts the row updates of operation_runs made so far in tx's
// transaction, so a test can tell how many UPDATEs a write took.
func RunUpdates(t testing.TB, tx repo.DBTX) int64 {
	t.Helper()
	var n int64
	require.NoError(t, tx.QueryRow(context.Background(),
		`SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'operation_runs'`).Scan(&n))
	return n
}

func id(t testing.TB, db repo.DBTX, sql string, args ...any) int64 {
	t.Helper()
	var v int64
	require.NoError(t, db.QueryRow(context.Background(), sql, args...).Scan(&v), sql)
	return v
}

func exec(t testing.TB, db repo.DBTX, sql string, args ...any) {
	t.Helper()
	_, err := db.Exec(context.Background(), sql, args...)
	require.NoError(t, err, sql)
}

// jsonText returns v as JSON text: strings are taken as JSON already, nil
// gives def, anything else is encoded.
func jsonText(t testing.TB, v any, def string) string {
	t.Helper()
	switch x := v.(type) {
	case nil:
		return def
	case string:
		return x
	default:
		b, err := json.Marshal(x)
		require.NoError(t, err)
		return string(b)
	}
}

// reconciliationKeys are the keys of the decision record in
// context.reconciliation (docs/contract.md, section 6); note appears only
// when one was given.
var reconciliationKeys = []string{"actor", "adapter", "decision", "explanation", "links", "outcome",
	"previous_status", "proof", "reason_code", "reconciled_at", "source"}

// RequireReconciliationKeys fails unless the run context runContext holds a
// reconciliation object with exactly the contract's keys, none of them null.
func RequireReconciliationKeys(t testing.TB, runContext json.RawMessage) {
	t.Helper()
	var c struct {
		Reconciliation map[string]any `json:"reconciliation"`
	}
	require.NoError(t, json.Unmarshal(runContext, &c))
	require.NotNil(t, c.Reconciliation, "context.reconciliation is written")
	keys := make([]string, 0, len(c.Reconciliation))
	for k, v := range c.Reconciliation {
		require.NotNil(t, v, "context.reconciliation.%s is set", k)
		if k != "note" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	require.Equal(t, reconciliationKeys, keys)
}
