package http_test

import (
	"context"
	"time"

	"github.com/stretchr/testify/require"
)

func (f *fixture) exec(sql string, args ...any) {
	f.t.Helper()
	_, err := f.pool.Exec(context.Background(), sql, args...)
	require.NoError(f.t, err)
}

func (f *fixture) id(sql string, args ...any) int64 {
	f.t.Helper()
	var id int64
	require.NoError(f.t, f.pool.QueryRow(context.Background(), sql, args...).Scan(&id))
	return id
}

func (f *fixture) workspace(slug string) int64 {
	f.t.Helper()
	return f.id(`insert into workspaces (slug, name) values ($1, $1) returning id`, slug)
}

func (f *fixture) environment(ws int64, name string) int64 {
	f.t.Helper()
	return f.id(`insert into managed_environments (workspace_id, name) values ($1, $2) returning id`, ws, name)
}

// member adds sub to ws; with grants it sees only those environments.
func (f *fixture) member(ws int64, sub, role string, grants ...int64) {
	f.t.Helper()
	f.exec(`insert into workspace_members (workspace_id, subject, role, all_environments) values ($1, $2, $3, $4)`,
		ws, sub, role, len(grants) == 0)
	for _, env := range grants {
		f.exec(`insert into member_environment_grants (workspace_id, subject, managed_environment_id) values ($1, $2, $3)`, ws, sub, env)
	}
}

// runSpec is an operation_runs row relative to the fixture's clock.
type runSpec struct {
	env           *int64
	typ           string        // inventory.sync when empty
	status        string        // running when empty
	outcome       string        // pending when open; required when completed
	age           time.Duration // created_at = now - age
	heartbeatAge  time.Duration // last_heartbeat_at = now - heartbeatAge when > 0
	context       string        // '{}' when empty
	summaryCounts string        // '{}' when empty
}

func (f *fixture) run(ws int64, s runSpec) int64 {
	f.t.Helper()
	if s.typ == "" {
		s.typ = "inventory.sync"
	}
	if s.status == "" {
		s.status = "running"
	}
	if s.outcome == "" {
		s.outcome = "pending"
	}
	if s.context == "" {
		s.context = "{}"
	}
	if s.summaryCounts == "" {
		s.summaryCounts = "{}"
	}
	created := f.now.Add(-s.age)
	var started, heartbeat, completed *time.Time
	if s.status != "queued" {
		started = &created
	}
	if s.heartbeatAge > 0 {
		heartbeat = new(f.now.Add(-s.heartbeatAge))
	}
	if s.status == "completed" {
		completed = new(f.now)
	}
	return f.id(`insert into operation_runs (workspace_id, managed_environment_id, type, status, outcome, context,
			summary_counts, created_at, started_at, last_heartbeat_at, completed_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
		ws, s.env, s.typ, s.status, s.outcome, s.context, s.summaryCounts, created, started, heartbeat, completed)
}

// rowState is what a write would change; tests compare it before and after.
func (f *fixture) rowState(run int64) string {
	f.t.Helper()
	var s string
	require.NoError(f.t, f.pool.QueryRow(context.Background(),
		`select status || outcome || context::text || updated_at::text from operation_runs where id = $1`, run).Scan(&s))
	return s
}
