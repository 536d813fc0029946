package http_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/domain"
	rphttp "github.com/runproof/runproof/internal/http"
)

// The router applies the configured thresholds (STALE_RUNNING_AFTER), not the
// defaults, everywhere staleness shows: the stale flag, the stale filter, the
// explanation and the families' stale_after; aliases follow their family.
func TestConfiguredThresholdsApply(t *testing.T) {
	staleness, err := domain.ParseRunningThresholds("inventory.sync=10m", domain.DefaultStaleness())
	require.NoError(t, err)
	f := setupWith(t, func(f *fixture, d *rphttp.Deps) {
		d.App = f.app(app.Config{Staleness: staleness})
	})
	ws := f.workspace("w")
	f.member(ws, "alice", "operator")
	alice := f.as("alice")
	inventory := f.run(ws, runSpec{typ: "inventory_sync", age: 20 * time.Minute})
	baseline := f.run(ws, runSpec{typ: "baseline.capture", age: 20 * time.Minute}) // default 30 min: fresh

	require.Equal(t, []int64{inventory}, pageIDs(ok(t, alice.listRuns(ws, apiclient.ListRunsParams{Stale: new(true)})).JSON200))
	require.Equal(t, []int64{baseline}, pageIDs(ok(t, alice.listRuns(ws, apiclient.ListRunsParams{Stale: new(false)})).JSON200))

	run := ok(t, alice.getRun(ws, inventory, apiclient.GetRunParams{})).JSON200
	require.True(t, run.Stale)
	require.Contains(t, *run.Explanation, "inventory sync runs go stale after 10 minutes")
	require.False(t, ok(t, alice.getRun(ws, baseline, apiclient.GetRunParams{})).JSON200.Stale)

	running := map[string]int{}
	for _, fam := range ok(t, alice.families(ws)).JSON200.Families {
		running[fam.Family] = fam.StaleAfter.RunningSeconds
	}
	require.Equal(t, 600, running[string(domain.FamilyInventorySync)])
	require.Equal(t, 1800, running[string(domain.FamilyBaselineCapture)])
}
