package http_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
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
