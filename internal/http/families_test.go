package http_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
	"github.com/runproof/runproof/internal/reconcile"
)

func TestFamiliesListsEveryFamilyWithThresholds(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "reader", "readonly")
	body := ok(t, f.as("reader").families(ws)).JSON200
	require.Len(t, body.Families, len(reconcile.Families()))
	byName := map[string]apiclient.Family{}
	for _, fam := range body.Families {
		byName[fam.Family] = fam
		require.NotEmpty(t, fam.Rules, fam.Family)
		require.Equal(t, 900, fam.StaleAfter.QueuedSeconds)
		require.Equal(t, fam.Supported, fam.Adapter != nil, fam.Family)
		for _, rule := range fam.Rules {
			// A rule either finalizes with a terminal outcome or leaves the run open.
			switch rule.Decision {
			case apiclient.FamilyRuleDecisionFinalized:
				require.NotNil(t, rule.Outcome, rule.Rule)
				require.Contains(t, []apiclient.FamilyRuleOutcome{apiclient.FamilyRuleOutcomeSucceeded, apiclient.FamilyRuleOutcomePartiallySucceeded,
					apiclient.FamilyRuleOutcomeBlocked, apiclient.FamilyRuleOutcomeFailed}, *rule.Outcome, rule.Rule)
			case apiclient.FamilyRuleDecisionNotReconciled:
				require.Nil(t, rule.Outcome, rule.Rule)
			default:
				t.Fatalf("rule %q decides %q", rule.Rule, rule.Decision)
			}
		}
	}
	inv := byName["inventory.sync"]
	require.True(t, inv.Supported)
	require.Equal(t, "Inventory sync", inv.Name)
	require.Equal(t, "inventory.sync/v1", *inv.Adapter)
	require.ElementsMatch(t, []string{"inventory_sync", "intune.inventory.sync"}, inv.Aliases)
	require.Equal(t, 1800, inv.StaleAfter.RunningSeconds)
	// The inventory rules in the order they are checked: two that leave the
	// run open, four outcomes, then proof.missing.
	var decided []string
	for _, rule := range inv.Rules {
		if rule.Outcome == nil {
			decided = append(decided, string(rule.Decision))
		} else {
			decided = append(decided, string(*rule.Outcome))
		}
	}
	require.Equal(t, []string{"not_reconciled", "not_reconciled", "succeeded", "partially_succeeded", "blocked", "failed", "not_reconciled"}, decided)
	require.Equal(t, 3600, byName["backup.schedule.execute"].StaleAfter.RunningSeconds)
	restore := byName["restore.execute"]
	require.False(t, restore.Supported)
	require.Equal(t, 3600, restore.StaleAfter.RunningSeconds)
	require.Equal(t, apiclient.FamilyRuleDecisionNotReconciled, restore.Rules[0].Decision)
	require.Equal(t, apiclient.FamilyRuleOutcomeFailed, *restore.Rules[1].Outcome, "the stale sweep closes it as failed")
}
