package http_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
	tok := f.token("alice")
	inventory := f.run(ws, runSpec{typ: "inventory_sync", age: 20 * time.Minute})
	baseline := f.run(ws, runSpec{typ: "baseline.capture", age: 20 * time.Minute}) // default 30 min: fresh

	require.Equal(t, []int64{inventory}, itemIDs(t, f.get(hubPath(ws, "stale=true"), tok)))
	require.Equal(t, []int64{baseline}, itemIDs(t, f.get(hubPath(ws, "stale=false"), tok)))

	run := f.get(runPath(ws, inventory), tok).json(t)
	require.Equal(t, true, run["stale"])
	require.Contains(t, run["explanation"], "(allowed: 10 min)")
	require.Equal(t, false, f.get(runPath(ws, baseline), tok).json(t)["stale"])

	families := f.get("/workspaces/"+itoa(ws)+"/reconciliation/families", tok).json(t)["families"].([]any)
	running := map[string]any{}
	for _, fam := range families {
		fam := fam.(map[string]any)
		running[fam["family"].(string)] = fam["stale_after"].(map[string]any)["running_seconds"]
	}
	require.EqualValues(t, 600, running[string(domain.FamilyInventorySync)])
	require.EqualValues(t, 1800, running[string(domain.FamilyBaselineCapture)])
}
