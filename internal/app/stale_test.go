package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// TestStaleInGoAndSQLAgree checks the spellings of the stale rule
// (docs/contract.md, section 2) against each other: domain.Staleness.IsStale (the API's stale flag, the
// manual path), the SQL the sweep claims and counts with, and the hub's
// stale=true and stale=false filters, on runs of every family and alias
// just inside and just past their thresholds.
func TestStaleInGoAndSQLAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	staleness, err := domain.ParseRunningThresholds("45m,inventory.sync=20m", domain.DefaultStaleness())
	require.NoError(t, err)
	now := time.Now().UTC().Truncate(time.Second)
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }

	var runs []domain.Run
	add := func(typ string, status domain.Status, created time.Time, started, heartbeat *time.Time) {
		var id int64
		require.NoError(t, b.pool.QueryRow(ctx, `INSERT INTO operation_runs (workspace_id, type, status, created_at, started_at, last_heartbeat_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, b.w.WS, typ, status, created, started, heartbeat).Scan(&id))
		runs = append(runs, domain.Run{ID: id, Type: typ, Status: status, CreatedAt: created, StartedAt: started, LastHeartbeatAt: heartbeat})
	}
	types := []string{"policy.sync", "restore.execute"}
	for _, f := range []domain.Family{domain.FamilyInventorySync, domain.FamilyBaselineCapture, domain.FamilyBackupScheduleExecute} {
		types = append(append(types, string(f)), domain.AliasesOf(f)...)
	}
	for _, typ := range types {
		after := staleness.RunningAfter(domain.Canonical(typ))
		for _, d := range []time.Duration{after - time.Second, after + time.Second} {
			add(typ, domain.StatusRunning, *at(d), nil, nil)                           // never started: measured from creation
			add(typ, domain.StatusRunning, *at(5 * time.Hour), at(d), nil)             // measured from start
			add(typ, domain.StatusRunning, *at(5 * time.Hour), at(6*time.Hour), at(d)) // measured from the heartbeat
		}
		for _, d := range []time.Duration{staleness.Queued - time.Second, staleness.Queued + time.Second} {
			add(typ, domain.StatusQueued, *at(d), nil, nil)
		}
	}

	thresholds := repo.ThresholdsOf(staleness)
	claimed, err := repo.RunClaimStale(ctx, b.pool, repo.RunClaimStaleParams{
		Thresholds: thresholds, Now: now, WorkspaceID: &b.w.WS, Limit: len(runs)})
	require.NoError(t, err)
	listed := func(stale bool) map[int64]bool {
		var page repo.RunPage
		_, err := repo.RunListForMember(ctx, b.pool, repo.RunListParams{WorkspaceID: b.w.WS, Subject: member,
			Stale: &stale, Thresholds: thresholds, Now: now, Limit: len(runs) + 1}, &page)
		require.NoError(t, err)
		ids := map[int64]bool{}
		for _, r := range page.Runs {
			ids[r.ID] = true
		}
		return ids
	}
	inSQL := map[int64]bool{}
	for _, r := range claimed {
		inSQL[r.ID] = true
	}
	inHub, notInHub := listed(true), listed(false)
	staleCount := 0
	for _, r := range runs {
		goSays := staleness.IsStale(r, now)
		msg := fmt.Sprintf("run of %s, %s, created %v, started %v, heartbeat %v", r.Type, r.Status, r.CreatedAt, r.StartedAt, r.LastHeartbeatAt)
		require.Equal(t, goSays, inSQL[r.ID], "claim: %s", msg)
		require.Equal(t, goSays, inHub[r.ID], "hub, stale=true: %s", msg)
		require.Equal(t, !goSays, notInHub[r.ID], "hub, stale=false: %s", msg)
		if goSays {
			staleCount++
		}
	}
	require.Equal(t, len(runs)/2, staleCount, "half the runs sit just past their threshold")
	counted, err := repo.RunCountStale(ctx, b.pool, thresholds, now)
	require.NoError(t, err)
	require.EqualValues(t, staleCount, counted)
}
