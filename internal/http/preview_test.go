package http_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
	"github.com/runproof/runproof/internal/app"
)

// The preview judges the stale runs the caller sees, filtered by
// environment and family (aliases included), and writes nothing.
func TestPreviewForEachRole(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	granted, hidden := f.environment(ws, "granted"), f.environment(ws, "hidden")
	f.member(ws, "owner", "owner")
	f.member(ws, "reader", "readonly", granted)
	f.member(ws, "grant", "operator", granted)
	stale := 3 * time.Hour
	blocked := []int64{
		f.run(ws, runSpec{env: &granted, age: stale, context: blockedInventory}),
		f.run(ws, runSpec{env: &granted, typ: "inventory_sync", age: stale, context: blockedInventory}),
	}
	unsupported := f.run(ws, runSpec{env: &granted, typ: "policy.sync", age: stale})
	missing := f.run(ws, runSpec{env: &granted, typ: "baseline_capture", status: "queued", age: stale})
	hiddenRun := f.run(ws, runSpec{env: &hidden, age: stale, context: blockedInventory})
	fresh := f.run(ws, runSpec{env: &granted, age: time.Minute, context: blockedInventory})
	done := f.run(ws, runSpec{env: &granted, status: "completed", outcome: "succeeded", age: stale})
	noEnv := f.run(ws, runSpec{typ: "policy.sync", age: stale})
	before := map[int64]string{}
	for _, id := range append(blocked, unsupported, missing, hiddenRun, fresh, done, noEnv) {
		before[id] = f.rowState(id)
	}

	row := func(family string, decision apiclient.PreviewRowDecision, outcome apiclient.PreviewRowOutcome, reason string, runs ...int64) apiclient.PreviewRow {
		return apiclient.PreviewRow{Family: family, Decision: decision, Outcome: outcome, ReasonCode: reason, Count: len(runs), SampleRunIds: runs}
	}
	blockedRow := func(runs ...int64) apiclient.PreviewRow {
		return row("inventory.sync", apiclient.PreviewRowDecisionFinalized, apiclient.PreviewRowOutcomeBlocked, "inventory.blocked", runs...)
	}
	missingRow := row("baseline.capture", apiclient.PreviewRowDecisionNotReconciled, apiclient.PreviewRowOutcomeFailed, "proof.missing", missing)
	unsupportedRow := func(runs ...int64) apiclient.PreviewRow {
		return row("policy.sync", apiclient.PreviewRowDecisionUnsupportedFamily, apiclient.PreviewRowOutcomeFailed, "run.stale", runs...)
	}
	for _, sub := range []string{"reader", "grant"} {
		p := ok(t, f.as(sub).preview(ws, apiclient.PreviewSweepParams{})).JSON200
		require.Equal(t, 4, p.Considered, sub)
		require.False(t, p.Truncated)
		require.True(t, p.JudgedAt.Equal(f.now))
		require.Equal(t, []apiclient.PreviewRow{missingRow, blockedRow(blocked...), unsupportedRow(unsupported)}, p.Rows, sub)
	}
	owner := f.as("owner")
	p := ok(t, owner.preview(ws, apiclient.PreviewSweepParams{})).JSON200
	require.Equal(t, 6, p.Considered)
	require.Equal(t, []apiclient.PreviewRow{missingRow, blockedRow(append(blocked, hiddenRun)...), unsupportedRow(unsupported, noEnv)}, p.Rows)

	alias := ok(t, owner.preview(ws, apiclient.PreviewSweepParams{Type: new("intune.inventory.sync")})).JSON200
	require.Equal(t, []apiclient.PreviewRow{blockedRow(append(blocked, hiddenRun)...)}, alias.Rows)
	onlyHidden := ok(t, owner.preview(ws, apiclient.PreviewSweepParams{Environment: &hidden})).JSON200
	require.Equal(t, []apiclient.PreviewRow{blockedRow(hiddenRun)}, onlyHidden.Rows)
	none := ok(t, owner.preview(ws, apiclient.PreviewSweepParams{Environment: &granted, Type: new("restore.execute")})).JSON200
	require.Zero(t, none.Considered)
	require.Empty(t, none.Rows)

	for id, state := range before {
		require.Equal(t, state, f.rowState(id), "run %d unchanged", id)
	}
}

// Through the API: the preview agrees with a dry-run reconcile of each
// sample and with what a sweep pass then writes, run for run; and a sweeper
// holding every stale run locked does not hold it up.
func TestPreviewAgreesWithReconcileAndSweep(t *testing.T) {
	s := setupSurfacesStale(t)
	owner := s.as("owner")

	// A sweeper holds every run: the preview neither waits nor fails.
	sweeper, err := s.pool.Begin(t.Context())
	require.NoError(t, err)
	_, err = sweeper.Exec(t.Context(), `SELECT id FROM operation_runs FOR UPDATE`)
	require.NoError(t, err)
	p := ok(t, owner.preview(s.ws, apiclient.PreviewSweepParams{})).JSON200
	require.NoError(t, sweeper.Rollback(t.Context()))

	require.Equal(t, 9, p.Considered)
	want := map[int64]apiclient.PreviewRow{}
	total := 0
	for _, row := range p.Rows {
		total += row.Count
		require.Len(t, row.SampleRunIds, row.Count, "fewer than 5 runs per row here: every run is a sample")
		for _, id := range row.SampleRunIds {
			want[id] = row
			dry := ok(t, owner.reconcile(s.ws, id, apiclient.ReconcileRequest{DryRun: new(true)})).JSON200.Reconciliation
			switch row.Decision {
			case apiclient.PreviewRowDecisionFinalized:
				require.Equal(t, apiclient.ReconcileDecisionDecisionFinalized, dry.Decision, "run %d", id)
				require.Equal(t, string(row.Outcome), string(*dry.Outcome), "run %d", id)
				require.Equal(t, row.ReasonCode, dry.ReasonCode, "run %d", id)
			case apiclient.PreviewRowDecisionNotReconciled: // the sweep closes it as failed, keeping the reason
				require.Equal(t, apiclient.ReconcileDecisionDecisionNotReconciled, dry.Decision, "run %d", id)
				require.Equal(t, row.ReasonCode, dry.ReasonCode, "run %d", id)
				require.Equal(t, apiclient.PreviewRowOutcomeFailed, row.Outcome)
			default: // unsupported: the sweep closes it as failed with run.stale
				require.Equal(t, apiclient.ReconcileDecisionDecisionUnsupportedFamily, dry.Decision, "run %d", id)
				require.Equal(t, apiclient.PreviewRowOutcomeFailed, row.Outcome)
				require.Equal(t, "run.stale", row.ReasonCode)
			}
		}
	}
	require.Equal(t, p.Considered, total)

	res, err := s.app(app.Config{}).Sweep(t.Context(), app.SweepOptions{WorkspaceID: &s.ws})
	require.NoError(t, err)
	require.Equal(t, p.Considered, res.Finalized)
	for id, row := range want {
		rec := ok(t, owner.getRun(s.ws, id, apiclient.GetRunParams{})).JSON200.Reconciliation
		require.NotNil(t, rec, "run %d", id)
		require.Equal(t, string(row.Outcome), string(rec.Outcome), "run %d", id)
		require.Equal(t, row.ReasonCode, rec.ReasonCode, "run %d", id)
	}
	require.Zero(t, ok(t, owner.preview(s.ws, apiclient.PreviewSweepParams{})).JSON200.Considered)
}

// setupSurfacesStale is setupSurfaces before any reconcile, with more stale
// runs: a blocked inventory run, an unsupported family, a baseline without
// proof, an ambiguous backup.
func setupSurfacesStale(t *testing.T) surfaces {
	t.Helper()
	f := setup(t)
	s := surfaces{fixture: f, ws: f.workspace("w")}
	s.granted, s.hidden = f.environment(s.ws, "granted"), f.environment(s.ws, "hidden")
	f.member(s.ws, "owner", "owner")
	profile := f.id(`insert into baseline_profiles (workspace_id, name) values ($1, 'Security') returning id`, s.ws)
	schedule := f.id(`insert into backup_schedules (workspace_id, managed_environment_id, name) values ($1, $2, 'Nightly') returning id`, s.ws, s.granted)
	stale := 3 * time.Hour
	s.baselineRun, s.snapshot = f.baselineRun(s.ws, s.granted, profile)
	s.backupRun, s.set = f.backupRun(s.ws, s.granted, schedule)
	s.invRun = f.inventoryRun(s.ws, s.granted, 3)
	s.hiddenInvRun = f.inventoryRun(s.ws, s.hidden, 2)
	f.run(s.ws, runSpec{env: &s.granted, age: stale, context: blockedInventory})
	f.run(s.ws, runSpec{env: &s.hidden, typ: "policy.sync", age: stale})
	f.run(s.ws, runSpec{env: &s.granted, typ: "baseline_capture", age: stale})
	ambiguous := f.run(s.ws, runSpec{env: &s.granted, typ: "backup.schedule.execute", age: stale})
	for range 2 {
		f.exec(`insert into backup_sets (workspace_id, managed_environment_id, operation_run_id, status, item_count)
			values ($1, $2, $3, 'completed', 0)`, s.ws, s.granted, ambiguous)
	}
	f.run(s.ws, runSpec{typ: "restore.execute", status: "queued", age: stale})
	f.run(s.ws, runSpec{env: &s.granted, age: time.Minute, context: blockedInventory}) // fresh
	return s
}
