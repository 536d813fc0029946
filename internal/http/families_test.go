package http_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/reconcile"
)

func TestFamiliesListsEveryFamilyWithThresholds(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "reader", "readonly")
	res := f.get("/workspaces/"+itoa(ws)+"/reconciliation/families", f.token("reader"))
	require.Equal(t, http.StatusOK, res.Code)
	var body struct {
		Families []struct {
			Family     string   `json:"family"`
			Name       string   `json:"name"`
			Aliases    []string `json:"aliases"`
			Supported  bool     `json:"supported"`
			Adapter    *string  `json:"adapter"`
			StaleAfter struct {
				Queued  int64 `json:"queued_seconds"`
				Running int64 `json:"running_seconds"`
			} `json:"stale_after"`
			Rules []struct {
				Outcome string `json:"outcome"`
				Rule    string `json:"rule"`
			} `json:"rules"`
		} `json:"families"`
	}
	require.NoError(t, json.Unmarshal(res.Body, &body))
	require.Len(t, body.Families, len(reconcile.Families()))
	byName := map[string]int{}
	for i, fam := range body.Families {
		byName[fam.Family] = i
		require.NotEmpty(t, fam.Rules, fam.Family)
		require.Equal(t, int64(900), fam.StaleAfter.Queued)
		require.Equal(t, fam.Supported, fam.Adapter != nil, fam.Family)
	}
	inv := body.Families[byName["inventory.sync"]]
	require.True(t, inv.Supported)
	require.Equal(t, "Inventory sync", inv.Name)
	require.Equal(t, "inventory.sync/v1", *inv.Adapter)
	require.ElementsMatch(t, []string{"inventory_sync", "intune.inventory.sync"}, inv.Aliases)
	require.Equal(t, int64(1800), inv.StaleAfter.Running)
	require.Equal(t, int64(3600), body.Families[byName["backup.schedule.execute"]].StaleAfter.Running)
	restore := body.Families[byName["restore.execute"]]
	require.False(t, restore.Supported)
	require.Equal(t, int64(3600), restore.StaleAfter.Running)
}
