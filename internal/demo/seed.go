// Package demo loads the demo workspace that `api seed demo` provides.
package demo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Result says which demo workspace Seed left behind.
type Result struct {
	// WorkspaceID is the id of the workspace with slug "demo".
	WorkspaceID int64
	// Created is false when the demo already existed and nothing was written.
	Created bool
}

// member is one subject of the demo workspace; mint a token for it with
// `api token --sub <Subject>`.
type member struct {
	Subject string
	Role    string
	// Environments names the environments the member is granted; nil means
	// all of them (all_environments = true).
	Environments []string
}

const (
	slug          = "demo"
	elsewhereSlug = "demo-elsewhere"
	prodName      = "Contoso Production"
	stagingName   = "Contoso Staging"
	otherEnvName  = "Fabrikam Production"
	profileName   = "Security baseline"
)

// members returns the members Seed gives the demo workspace: an owner, a
// read-only viewer and an operator granted Contoso Production only.
func members() []member {
	return []member{
		{Subject: "demo", Role: "owner"},
		{Subject: "viewer", Role: "readonly"},
		{Subject: "scoped", Role: "operator", Environments: []string{prodName}},
	}
}

// Seed creates the demo workspace (slug "demo") and its helper workspace
// (slug "demo-elsewhere", which only holds out-of-scope proof) in one
// transaction, with every run time relative to now so that stale runs are
// stale and fresh runs fresh right after seeding. When the demo exists and
// reset is false it writes nothing and returns the existing id with
// Created=false; reset deletes both workspaces (their rows cascade) first.
// Concurrent calls are serialized by a transaction-level advisory lock. It
// returns the first database error met; nothing is written then.
func Seed(ctx context.Context, pool *pgxpool.Pool, now time.Time, reset bool) (Result, error) {
	var res Result
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('runproof: seed demo'))`); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		err := tx.QueryRow(ctx, `SELECT id FROM workspaces WHERE slug = $1`, slug).Scan(&res.WorkspaceID)
		switch {
		case err == nil && !reset:
			return nil
		case err != nil && !errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("look up workspace %q: %w", slug, err)
		}
		// The helper workspace belongs to the demo: it goes with it, and a
		// leftover one (demo deleted by hand) must not block the insert.
		if _, err := tx.Exec(ctx, `DELETE FROM workspaces WHERE slug IN ($1, $2)`, slug, elsewhereSlug); err != nil {
			return fmt.Errorf("delete previous demo: %w", err)
		}
		s := &seeder{ctx: ctx, tx: tx, now: now}
		s.build()
		if s.err != nil {
			return s.err
		}
		res = Result{WorkspaceID: s.prod.ws, Created: true}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// obj is a JSON object of a run context.
type obj = map[string]any

// failure is one entry of operation_runs.failures.
type failure struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// scope is a (workspace, environment) pair that proof lives in.
type scope struct{ ws, env int64 }

// envKey names one of the demo workspace's two environments in a runSpec.
type envKey int

const (
	prod envKey = iota
	staging
)

// timing places a run's timestamps before now; zero means unset.
type timing struct{ created, started, heartbeat, completed time.Duration }

// silentFor is a running job that heartbeated for a while, then went quiet d ago.
func silentFor(d time.Duration) timing {
	return timing{created: d + 41*time.Minute, started: d + 40*time.Minute, heartbeat: d}
}

// queuedFor is a run that was queued d ago and never started.
func queuedFor(d time.Duration) timing { return timing{created: d} }

// finished is a run its own job completed d ago after running for took.
func finished(d, took time.Duration) timing {
	return timing{created: d + took + time.Minute, started: d + took, heartbeat: d + time.Minute, completed: d}
}

// run is an inserted run as its proof builder sees it.
type run struct {
	id    int64
	scope scope
	at    time.Time // when the job last wrote anything: proof is stamped with it
}

// runSpec is one demo run. status defaults to running, outcome to pending.
type runSpec struct {
	name      string // also stored as context.demo_scenario, to find the run again
	typ       string
	env       envKey
	status    string
	outcome   string
	initiator string
	at        timing
	context   func(s *seeder) obj
	failures  []failure
	// proof inserts the artifacts the run produced, once its id is known.
	proof func(s *seeder, r run, c obj)
	// reconciled, for a run runproof completed, returns the decision record
	// it stored (what runproof adds itself is filled in: decision, outcome,
	// links to the run's artifacts, previous status, time) and the counts
	// it merged into summary_counts.
	reconciled func(s *seeder, r run) (record, counts obj)
}

// seeder writes the demo in one transaction. The first error sticks in err
// and turns every later write into a no-op, so builders read straight.
type seeder struct {
	ctx context.Context
	tx  pgx.Tx
	now time.Time
	err error

	prod, staging, elsewhere    scope
	profile, otherProfile       int64
	nightlyBackup, pausedBackup int64
}

func (s *seeder) build() {
	s.prod.ws = s.id(`INSERT INTO workspaces (slug, name) VALUES ($1, 'Demo Workspace') RETURNING id`, slug)
	s.staging.ws = s.prod.ws
	s.prod.env = s.environment(s.prod.ws, prodName)
	s.staging.env = s.environment(s.prod.ws, stagingName)
	s.elsewhere.ws = s.id(`INSERT INTO workspaces (slug, name) VALUES ($1, 'Fabrikam (other workspace)') RETURNING id`, elsewhereSlug)
	s.elsewhere.env = s.environment(s.elsewhere.ws, otherEnvName)

	envByName := map[string]int64{prodName: s.prod.env, stagingName: s.staging.env}
	for _, m := range members() {
		s.exec(`INSERT INTO workspace_members (workspace_id, subject, role, all_environments) VALUES ($1, $2, $3, $4)`,
			s.prod.ws, m.Subject, m.Role, m.Environments == nil)
		for _, name := range m.Environments {
			s.exec(`INSERT INTO member_environment_grants (workspace_id, subject, managed_environment_id) VALUES ($1, $2, $3)`,
				s.prod.ws, m.Subject, envByName[name])
		}
	}

	s.profile = s.id(`INSERT INTO baseline_profiles (workspace_id, name) VALUES ($1, $2) RETURNING id`, s.prod.ws, profileName)
	s.otherProfile = s.id(`INSERT INTO baseline_profiles (workspace_id, name) VALUES ($1, $2) RETURNING id`, s.elsewhere.ws, profileName)
	s.nightlyBackup = s.schedule(s.prod, "Nightly backup", true)
	s.pausedBackup = s.schedule(s.prod, "Paused backup", false)

	for _, spec := range runSpecs() {
		s.run(spec)
	}
}

// run inserts one run and then its proof.
func (s *seeder) run(spec runSpec) {
	if s.err != nil {
		return
	}
	c := obj{}
	if spec.context != nil {
		c = spec.context(s)
	}
	c["demo_scenario"] = spec.name
	failures := spec.failures
	if failures == nil {
		failures = []failure{}
	}
	r := run{scope: s.prod}
	if spec.env == staging {
		r.scope = s.staging
	}
	status := cmp.Or(spec.status, "running")
	outcome := cmp.Or(spec.outcome, "pending")
	created, started, heartbeat, completed := s.ago(spec.at.created), s.ago(spec.at.started), s.ago(spec.at.heartbeat), s.ago(spec.at.completed)
	r.at = *created
	for _, t := range []*time.Time{started, heartbeat, completed} {
		if t != nil && t.After(r.at) {
			r.at = *t
		}
	}
	r.id = s.id(`INSERT INTO operation_runs (workspace_id, managed_environment_id, type, status, outcome, initiator,
			context, failures, created_at, started_at, last_heartbeat_at, completed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12) RETURNING id`,
		r.scope.ws, r.scope.env, spec.typ, status, outcome, cmp.Or(spec.initiator, "scheduler"),
		s.json(c), s.json(failures), created, started, heartbeat, completed)
	if spec.proof != nil {
		spec.proof(s, r, c)
	}
	if spec.reconciled != nil && completed != nil {
		s.reconcile(r, spec.reconciled, outcome, *completed)
	}
	if s.err != nil {
		s.err = fmt.Errorf("run %s: %w", spec.name, s.err)
	}
}

// reconcile stores in run r, completed at at with outcome, the decision
// record and summary counts runproof would have written when it completed
// the run: the record links every snapshot and backup set recorded for the
// run (each demo run that has one has exactly one, in its scope).
func (s *seeder) reconcile(r run, reconciled func(s *seeder, r run) (record, counts obj), outcome string, at time.Time) {
	record, counts := reconciled(s, r)
	record["decision"] = "finalized"
	record["outcome"] = outcome
	record["previous_status"] = "running"
	record["reconciled_at"] = at.UTC().Truncate(time.Microsecond) // as completed_at stores it
	s.exec(`UPDATE operation_runs SET
			context = jsonb_set(context, '{reconciliation}', $2::jsonb || jsonb_build_object('links', (
				SELECT coalesce(jsonb_agg(jsonb_build_object('rel', a.rel, 'id', a.id) ORDER BY a.id), '[]')
				FROM (SELECT 'baseline_snapshot' AS rel, id FROM baseline_snapshots WHERE operation_run_id = $1
					UNION ALL SELECT 'backup_set', id FROM backup_sets WHERE operation_run_id = $1) a))),
			summary_counts = summary_counts || $3::jsonb
		WHERE id = $1`, r.id, s.json(record), s.json(counts))
}

// artifactOf returns the id of the one artifact of table recorded for run r.
func (s *seeder) artifactOf(table string, r run) int64 {
	return s.id(`SELECT id FROM `+table+` WHERE operation_run_id = $1`, r.id)
}

// ago returns now-d, or nil for an unset (zero) time.
func (s *seeder) ago(d time.Duration) *time.Time {
	if d == 0 {
		return nil
	}
	t := s.now.Add(-d)
	return &t
}

func (s *seeder) id(sql string, args ...any) int64 {
	var id int64
	if s.err != nil {
		return 0
	}
	if err := s.tx.QueryRow(s.ctx, sql, args...).Scan(&id); err != nil {
		s.err = fmt.Errorf("%s: %w", statement(sql), err)
	}
	return id
}

func (s *seeder) exec(sql string, args ...any) {
	if s.err != nil {
		return
	}
	if _, err := s.tx.Exec(s.ctx, sql, args...); err != nil {
		s.err = fmt.Errorf("%s: %w", statement(sql), err)
	}
}

func (s *seeder) json(v any) string {
	b, err := json.Marshal(v)
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("encode context: %w", err)
	}
	return string(b)
}

func (s *seeder) environment(ws int64, name string) int64 {
	return s.id(`INSERT INTO managed_environments (workspace_id, name) VALUES ($1, $2) RETURNING id`, ws, name)
}

func (s *seeder) schedule(sc scope, name string, enabled bool) int64 {
	return s.id(`INSERT INTO backup_schedules (workspace_id, managed_environment_id, name, enabled)
		VALUES ($1, $2, $3, $4) RETURNING id`, sc.ws, sc.env, name, enabled)
}

// observe inserts n inventory items of policyType in sc, last seen by r.
func (s *seeder) observe(sc scope, r run, policyType string, n int) {
	s.exec(`INSERT INTO inventory_items (workspace_id, managed_environment_id, policy_type, external_id,
			display_name, last_seen_operation_run_id, last_seen_at)
		SELECT $1, $2, $3::text, md5($3::text || ':' || $4::bigint || ':' || g)::uuid::text,
			$5::text || ' ' || lpad(g::text, 2, '0'), $4, $6
		FROM generate_series(1, $7::int) g`,
		sc.ws, sc.env, policyType, r.id, policyLabels[policyType], r.at, n)
}

// snapshot inserts a baseline snapshot of profile in sc written by r.
func (s *seeder) snapshot(sc scope, profile int64, r run, items, gaps int) int64 {
	return s.id(`INSERT INTO baseline_snapshots (workspace_id, managed_environment_id, baseline_profile_id,
			operation_run_id, item_count, gap_count, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, sc.ws, sc.env, profile, r.id, items, gaps, r.at)
}

// backupItem is one backup_items row to insert.
type backupItem struct{ policyType, status, assignments, errorCode string }

// captured returns n items captured with their assignments, cycling through
// the demo's policy types.
func captured(n int) []backupItem {
	items := make([]backupItem, n)
	for i := range items {
		items[i] = backupItem{policyType: policyTypes[i%len(policyTypes)], status: "captured", assignments: "captured"}
	}
	return items
}

// backupSet inserts a backup set of schedule (0: none) in sc written by r,
// expecting expected items, and the given items.
func (s *seeder) backupSet(sc scope, schedule int64, r run, status string, expected int, items ...backupItem) int64 {
	var sched *int64
	if schedule != 0 {
		sched = &schedule
	}
	set := s.id(`INSERT INTO backup_sets (workspace_id, managed_environment_id, backup_schedule_id,
			operation_run_id, status, item_count, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, sc.ws, sc.env, sched, r.id, status, expected, r.at)
	for i, it := range items {
		var code *string
		if it.errorCode != "" {
			code = &it.errorCode
		}
		s.exec(`INSERT INTO backup_items (backup_set_id, policy_type, external_id, status, assignments_status, error_code)
			VALUES ($1, $2::text, md5($1::bigint || ':' || $2::text || ':' || $3::int)::uuid::text, $4, $5, $6)`,
			set, it.policyType, i, it.status, it.assignments, code)
	}
	return set
}

// point records in r's context the artifact the job wrote, at path. Jobs
// write the pointer once the artifact exists, so it comes after the insert.
func (s *seeder) point(r run, id int64, path ...string) {
	s.exec(`UPDATE operation_runs SET context = jsonb_set(context, $2::text[], to_jsonb($3::bigint)) WHERE id = $1`,
		r.id, path, id)
}

// observed is the proof of an inventory run: for every type its coverage
// says succeeded, item_count items last seen by the run, living where says.
func observed(where func(s *seeder, r run) scope) func(s *seeder, r run, c obj) {
	return func(s *seeder, r run, c obj) {
		inv := c["inventory"].(obj)
		coverage := inv["coverage"].(obj)
		for _, t := range inv["attempted_types"].([]string) {
			if cov, ok := coverage[t].(obj); ok && cov["status"] == "succeeded" {
				s.observe(where(s, r), r, t, cov["item_count"].(int))
			}
		}
	}
}

// ownScope places proof in the run's own workspace and environment.
func ownScope(_ *seeder, r run) scope { return r.scope }

// otherWorkspace places proof in the helper workspace: out of scope.
func otherWorkspace(s *seeder, _ run) scope { return s.elsewhere }

// statement names a SQL statement in errors by its first line.
func statement(sql string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(sql), "\n")
	return strings.TrimSpace(first)
}

// The policy types demo inventory syncs attempt, and their display labels.
const (
	deviceConfiguration = "deviceConfiguration"
	compliancePolicy    = "compliancePolicy"
	appProtection       = "appProtection"
)

var (
	policyTypes  = []string{deviceConfiguration, compliancePolicy, appProtection}
	policyLabels = map[string]string{
		deviceConfiguration: "Device configuration",
		compliancePolicy:    "Compliance policy",
		appProtection:       "App protection",
	}
)

// inventory is an inventory.sync context (docs/contract.md, section 4.3).
func inventory(coverage obj) obj {
	return obj{"inventory": obj{"attempted_types": policyTypes, "coverage": coverage}}
}

func succeeded(n int) obj { return obj{"status": "succeeded", "item_count": n} }
func failedWith(code string) obj {
	return obj{"status": "failed", "error_code": code}
}
func skippedFor(code string) obj {
	return obj{"status": "skipped", "reason_code": code}
}

// baselineCapture is a baseline.capture context (docs/contract.md, section
// 4.4) for the demo profile; the snapshot pointer is added by proof once the
// snapshot exists.
func baselineCapture(s *seeder, gaps int, byReason obj) obj {
	return obj{"baseline_capture": obj{
		"baseline_profile_id": s.profile,
		"eligibility":         obj{"status": "eligible"},
		"gaps":                obj{"count": gaps, "by_reason": byReason},
		"meta_fallback_count": 0,
	}}
}

// pointedSnapshot is baseline proof: a snapshot of the demo profile in the
// run's scope, named by the run's baseline_snapshot_id.
func pointedSnapshot(items, gaps int) func(s *seeder, r run, _ obj) {
	return func(s *seeder, r run, _ obj) {
		s.point(r, s.snapshot(r.scope, s.profile, r, items, gaps), "baseline_capture", "baseline_snapshot_id")
	}
}

// nightly is a backup.schedule.execute context of the nightly schedule; the
// backup_set_id pointer is added by proof once the set exists.
func nightly(s *seeder) obj { return obj{"backup_schedule_id": s.nightlyBackup} }

// cleanCapture is a baseline capture context with no gaps.
func cleanCapture(s *seeder) obj { return baselineCapture(s, 0, obj{}) }

// fullInventory is an inventory context in which the three policy types
// succeeded with these item counts.
func fullInventory(configs, compliance, appProtections int) func(*seeder) obj {
	return func(*seeder) obj {
		return inventory(obj{deviceConfiguration: succeeded(configs), compliancePolicy: succeeded(compliance), appProtection: succeeded(appProtections)})
	}
}

func skipped(schedule int64, code, message string) obj {
	return obj{"backup_schedule_id": schedule,
		"backup_schedule": obj{"skip_reason": obj{"reason_code": code, "message": message}}}
}

// pointedSet is backup proof: a set of the nightly schedule in the run's
// scope holding items, named by the run's backup_set_id.
func pointedSet(status string, expected int, items ...backupItem) func(s *seeder, r run, _ obj) {
	return func(s *seeder, r run, _ obj) {
		s.point(r, s.backupSet(r.scope, s.nightlyBackup, r, status, expected, items...), "backup_set_id")
	}
}

var graphThrottled = failure{Code: "graph_throttled",
	Message: "Microsoft Graph throttled compliancePolicy requests (HTTP 429) after 5 retries."}

// runSpecs lists every demo run. Stale running runs went quiet 2–5 h ago (the
// thresholds are 30 and 60 min); fresh ones heartbeated a minute ago. Each
// supported family covers every proof situation of docs/contract.md,
// section 4.
func runSpecs() []runSpec {
	h, m := time.Hour, time.Minute
	return []runSpec{
		// inventory.sync, stale.
		{name: "inventory.complete", typ: "inventory.sync", env: prod, at: silentFor(2*h + 5*m),
			context: fullInventory(12, 6, 4),
			proof:   observed(ownScope)},
		{name: "inventory.partial", typ: "inventory.sync", env: prod, at: silentFor(2*h + 20*m),
			context: func(*seeder) obj {
				return inventory(obj{deviceConfiguration: succeeded(8), compliancePolicy: failedWith("graph_throttled")})
			},
			failures: []failure{graphThrottled},
			proof:    observed(ownScope)},
		{name: "inventory.blocked", typ: "inventory.sync", env: staging, at: silentFor(2*h + 35*m),
			context: func(*seeder) obj {
				c := inventory(obj{})
				c["inventory"].(obj)["blocked_reason"] = obj{"reason_code": "provider_connection_missing",
					"message": "Contoso Staging has no provider connection; reconnect it under Settings › Providers."}
				return c
			}},
		{name: "inventory.failed", typ: "inventory.sync", env: prod, at: silentFor(2*h + 50*m),
			context: func(*seeder) obj {
				return inventory(obj{deviceConfiguration: failedWith("graph_unavailable"),
					compliancePolicy: failedWith("graph_throttled"), appProtection: failedWith("graph_unavailable")})
			},
			failures: []failure{
				{Code: "graph_unavailable", Message: "Microsoft Graph answered 503 for deviceConfiguration and appProtection."},
				graphThrottled,
			}},
		{name: "inventory.missing", typ: "inventory.sync", env: prod, at: silentFor(3*h + 5*m)},
		{name: "inventory.wrong_scope", typ: "inventory.sync", env: prod, at: silentFor(3*h + 20*m),
			context: fullInventory(3, 2, 1),
			proof:   observed(otherWorkspace)},
		{name: "inventory.unverified", typ: "inventory.sync", env: prod, at: silentFor(3*h + 35*m),
			context: func(*seeder) obj {
				return inventory(obj{deviceConfiguration: succeeded(40), compliancePolicy: failedWith("graph_throttled")})
			},
			failures: []failure{graphThrottled}},
		{name: "inventory.alias_partial", typ: "intune.inventory.sync", env: staging, at: silentFor(3*h + 50*m),
			context: func(*seeder) obj {
				return inventory(obj{deviceConfiguration: succeeded(5), compliancePolicy: succeeded(3),
					appProtection: skippedFor("provider_permission_missing")})
			},
			proof: observed(ownScope)},

		// baseline.capture, stale.
		{name: "baseline.complete", typ: "baseline.capture", env: staging, initiator: "demo", at: silentFor(2*h + 10*m),
			context: cleanCapture,
			proof:   pointedSnapshot(48, 0)},
		{name: "baseline.partial", typ: "baseline.capture", env: staging, initiator: "demo", at: silentFor(2*h + 25*m),
			context: func(s *seeder) obj {
				return baselineCapture(s, 3, obj{"ambiguous_match": 2, "missing_version": 1})
			},
			proof: pointedSnapshot(45, 3)},
		{name: "baseline.blocked", typ: "baseline.capture", env: prod, initiator: "demo", at: silentFor(2*h + 40*m),
			context: func(s *seeder) obj {
				return obj{"baseline_capture": obj{"baseline_profile_id": s.profile,
					"eligibility": obj{"status": "blocked", "reason_code": "inventory_not_ready",
						"message": "Contoso Production has no completed inventory sync in the last 24 hours."}}}
			}},
		{name: "baseline.failed", typ: "baseline.capture", env: prod, initiator: "demo", at: silentFor(2*h + 55*m),
			context: cleanCapture,
			failures: []failure{{Code: "snapshot_write_failed",
				Message: "Writing the baseline snapshot failed: the capture worker lost its database connection."}}},
		{name: "baseline.missing", typ: "baseline.capture", env: prod, initiator: "demo", at: silentFor(3*h + 10*m),
			context: func(*seeder) obj { return obj{"baseline_capture": obj{}} }},
		{name: "baseline.wrong_scope", typ: "baseline.capture", env: prod, initiator: "demo", at: silentFor(3*h + 25*m),
			context: cleanCapture,
			proof: func(s *seeder, r run, _ obj) {
				s.point(r, s.snapshot(s.elsewhere, s.otherProfile, r, 48, 0), "baseline_capture", "baseline_snapshot_id")
			}},
		{name: "baseline.ambiguous", typ: "baseline.capture", env: prod, initiator: "demo", at: silentFor(3*h + 40*m),
			context: cleanCapture,
			proof: func(s *seeder, r run, _ obj) {
				s.snapshot(r.scope, s.profile, r, 48, 0)
				s.snapshot(r.scope, s.profile, r, 47, 1)
			}},
		{name: "baseline.alias_complete", typ: "baseline_capture", env: prod, at: silentFor(3*h + 55*m),
			context: cleanCapture,
			proof:   pointedSnapshot(50, 0)},

		// backup.schedule.execute, stale.
		{name: "backup.complete", typ: "backup.schedule.execute", env: prod, at: silentFor(2*h + 15*m),
			context: nightly,
			proof:   pointedSet("completed", 5, captured(5)...)},
		{name: "backup.partial", typ: "backup.schedule.execute", env: prod, at: silentFor(2*h + 30*m),
			context: nightly,
			proof: pointedSet("running", 5, append(captured(3),
				backupItem{policyType: compliancePolicy, status: "failed", assignments: "not_applicable", errorCode: "graph_item_not_found"},
				backupItem{policyType: appProtection, status: "captured", assignments: "missing"})...)},
		{name: "backup.blocked", typ: "backup.schedule.execute", env: prod, at: silentFor(2*h + 45*m),
			context: func(s *seeder) obj {
				return skipped(s.pausedBackup, "schedule_disabled", `The schedule "Paused backup" is disabled.`)
			}},
		{name: "backup.failed", typ: "backup.schedule.execute", env: prod, at: silentFor(3 * h),
			context: nightly,
			failures: []failure{{Code: "graph_request_failed",
				Message: "Both policies of the backup failed to download from Microsoft Graph."}},
			proof: pointedSet("failed", 2,
				backupItem{policyType: deviceConfiguration, status: "failed", assignments: "not_applicable", errorCode: "graph_request_failed"},
				backupItem{policyType: compliancePolicy, status: "failed", assignments: "not_applicable", errorCode: "graph_forbidden"})},
		{name: "backup.missing", typ: "backup.schedule.execute", env: prod, at: silentFor(3*h + 15*m),
			context: nightly},
		{name: "backup.wrong_scope", typ: "backup.schedule.execute", env: prod, at: silentFor(3*h + 30*m),
			context: nightly,
			proof: func(s *seeder, r run, _ obj) {
				s.point(r, s.backupSet(s.staging, 0, r, "completed", 5, captured(5)...), "backup_set_id")
			}},
		{name: "backup.ambiguous", typ: "backup.schedule.execute", env: prod, at: silentFor(3*h + 45*m),
			context: nightly,
			proof: func(s *seeder, r run, _ obj) {
				s.backupSet(r.scope, s.nightlyBackup, r, "completed", 3, captured(3)...)
				s.backupSet(r.scope, s.nightlyBackup, r, "completed", 3, captured(3)...)
			}},
		{name: "backup.alias_blocked", typ: "backup_schedule_run", env: prod, at: silentFor(4*h + 30*m),
			context: func(s *seeder) obj {
				return skipped(s.nightlyBackup, "schedule_lock_held", `Another run of "Nightly backup" held the schedule lock.`)
			}},

		// Families without an adapter, stale.
		{name: "unsupported.policy_sync", typ: "policy.sync", env: prod, at: silentFor(4 * h),
			context: func(*seeder) obj { return obj{"policy_sync": obj{"policy_types": policyTypes}} }},
		{name: "unsupported.backup_set_update", typ: "backup_set.update", env: prod, initiator: "demo", status: "queued",
			at: queuedFor(2 * h)},

		// Fresh: still within their thresholds.
		{name: "fresh.inventory", typ: "inventory.sync", env: prod,
			at:      timing{created: 5 * m, started: 4 * m, heartbeat: m},
			context: func(*seeder) obj { return inventory(obj{deviceConfiguration: succeeded(7)}) },
			proof:   observed(ownScope)},
		{name: "fresh.backup_queued", typ: "backup.schedule.execute", env: prod, status: "queued",
			at: queuedFor(2 * m), context: nightly},

		// Completed by their own jobs.
		{name: "completed.inventory", typ: "inventory.sync", env: prod, status: "completed", outcome: "succeeded",
			at:      finished(5*h, 12*m),
			context: fullInventory(3, 2, 2),
			proof:   observed(ownScope)},
		{name: "completed.baseline", typ: "baseline.capture", env: prod, initiator: "demo", status: "completed", outcome: "failed",
			at:      finished(6*h, 4*m),
			context: cleanCapture,
			failures: []failure{{Code: "graph_unavailable",
				Message: "Microsoft Graph answered 503 while reading policy versions."}}},
		{name: "completed.backup", typ: "backup.schedule.execute", env: prod, status: "completed", outcome: "partially_succeeded",
			at: finished(20*h, 9*m), context: nightly,
			proof: pointedSet("completed", 5, append(captured(4),
				backupItem{policyType: appProtection, status: "failed", assignments: "not_applicable", errorCode: "graph_item_not_found"})...)},

		// Older history in Contoso Staging.
		{name: "history.inventory", typ: "inventory.sync", env: staging, status: "completed", outcome: "succeeded",
			at:      finished(26*h, 15*m),
			context: fullInventory(6, 4, 2),
			proof:   observed(ownScope)},
		{name: "history.baseline", typ: "baseline.capture", env: staging, initiator: "demo", status: "completed", outcome: "succeeded",
			at:      finished(50*h, 6*m),
			context: cleanCapture,
			proof:   pointedSnapshot(46, 0)},
		{name: "history.policy_sync", typ: "policy.sync", env: staging, initiator: "demo", status: "completed", outcome: "cancelled",
			at: finished(74*h, 2*m)},

		// Stale runs runproof completed yesterday from their proof, by sweep
		// and by hand: their decision records link the artifacts behind them.
		{name: "reconciled.inventory", typ: "inventory.sync", env: staging, status: "completed", outcome: "partially_succeeded",
			at: finished(28*h, 40*m),
			context: func(*seeder) obj {
				return inventory(obj{deviceConfiguration: succeeded(6), compliancePolicy: succeeded(4), appProtection: failedWith("graph_throttled")})
			},
			proof: observed(ownScope),
			reconciled: func(*seeder, run) (record, counts obj) {
				record = obj{"reason_code": "inventory.partial_coverage", "source": "sweep", "actor": "system", "adapter": "inventory.sync/v1",
					"explanation": "Inventory partly captured: 1 of 3 policy types failed (graph_throttled); 2 succeeded.",
					"proof": obj{"attempted": 3, "succeeded": 2, "failed": 1, "skipped": 0, "blocked": 0, "not_reached": 0,
						"items_claimed": 10, "items_observed": 10, "items_out_of_scope": 0}}
				counts = obj{"attempted": 3, "succeeded": 2, "failed": 1, "skipped": 0, "blocked": 0, "not_reached": 0, "items_observed": 10}
				return record, counts
			}},
		{name: "reconciled.baseline", typ: "baseline.capture", env: prod, initiator: "demo", status: "completed", outcome: "partially_succeeded",
			at:      finished(27*h, 45*m),
			context: func(s *seeder) obj { return baselineCapture(s, 2, obj{"ambiguous_match": 2}) },
			proof:   pointedSnapshot(44, 2),
			reconciled: func(s *seeder, r run) (record, counts obj) {
				snapshot := s.artifactOf("baseline_snapshots", r)
				record = obj{"reason_code": "baseline.gaps", "source": "manual", "actor": "demo", "adapter": "baseline.capture/v1",
					"note":        "Capture worker was restarted; the 2 gaps are known ambiguous matches.",
					"explanation": fmt.Sprintf("Baseline partly captured: snapshot %d holds 44 items with 2 gaps and 0 metadata fallbacks.", snapshot),
					"proof": obj{"candidates": 1, "out_of_scope": 0, "gaps": 2, "meta_fallback_count": 0, "failures": 0,
						"baseline_profile_id": s.profile, "snapshot_pointer": snapshot, "snapshot_id": snapshot, "item_count": 44}}
				counts = obj{"snapshots": 1, "item_count": 44, "gaps": 2, "meta_fallback_count": 0}
				return record, counts
			}},
		{name: "reconciled.backup", typ: "backup.schedule.execute", env: prod, status: "completed", outcome: "partially_succeeded",
			at: finished(26*h, 30*m), context: nightly,
			proof: pointedSet("running", 6, append(captured(4),
				backupItem{policyType: compliancePolicy, status: "failed", assignments: "not_applicable", errorCode: "graph_throttled"},
				backupItem{policyType: deviceConfiguration, status: "captured", assignments: "missing"})...),
			reconciled: func(s *seeder, r run) (record, counts obj) {
				set := s.artifactOf("backup_sets", r)
				record = obj{"reason_code": "backup.partial", "source": "sweep", "actor": "system", "adapter": "backup.schedule.execute/v1",
					"explanation": fmt.Sprintf("Backup partly captured: backup set %d has 5 of 6 items captured, 1 failed and 1 without assignments.", set),
					"proof": obj{"candidates": 1, "out_of_scope": 0, "expected": 6, "captured": 5, "failed": 1, "assignments_missing": 1,
						"failures": 0, "backup_set_id": set, "set_status": "running", "backup_schedule_id": s.nightlyBackup, "set_pointer": set}}
				counts = obj{"expected": 6, "captured": 5, "failed": 1, "assignments_missing": 1, "failures": 0}
				return record, counts
			}},
	}
}
