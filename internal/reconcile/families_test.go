package reconcile_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/wording"
)

func TestFamiliesDescribeEveryRule(t *testing.T) {
	t.Parallel()
	fams := reconcile.Families()
	byName := map[domain.Family]reconcile.FamilyInfo{}
	for _, f := range fams {
		byName[f.Family] = f
		for _, r := range f.Rules {
			require.NotEmpty(t, r.Rule)
			require.Contains(t, []string{"succeeded", "partially_succeeded", "blocked", "failed", "not_reconciled"}, r.Outcome)
		}
	}
	require.Len(t, fams, 7)
	for _, f := range fams {
		require.NotEmpty(t, f.Name, f.Family)
		require.Equal(t, f.Name, wording.FamilyName(f.Family))
	}
	require.Equal(t, "Scheduled backup", wording.FamilyName("backup.schedule.execute"))
	require.Equal(t, "Custom job", wording.FamilyName("custom.job"), "an unknown type is named from its type string")
	for family, aliases := range map[domain.Family][]string{
		"inventory.sync":          {"intune.inventory.sync", "inventory_sync"},
		"baseline.capture":        {"baseline_capture", "intune.baseline.capture"},
		"backup.schedule.execute": {"backup.schedule.run", "backup_schedule_run"},
	} {
		f := byName[family]
		require.True(t, f.Supported, family)
		require.Equal(t, string(family)+"/v1", f.Adapter)
		require.Equal(t, aliases, f.Aliases)
		outcomes := map[string]bool{}
		for _, r := range f.Rules {
			outcomes[r.Outcome] = true
		}
		require.Len(t, outcomes, 5, "%s has a rule for every outcome", family)
		for _, alias := range aliases {
			a, ok := reconcile.AdapterFor(alias)
			require.True(t, ok)
			require.Equal(t, family, a.Family())
		}
	}
	for _, family := range []domain.Family{"policy.sync", "backup_set.update", "restore.execute", "review_pack.generate"} {
		require.False(t, byName[family].Supported, family)
		require.Empty(t, byName[family].Adapter)
		require.NotNil(t, byName[family].Aliases)
	}
}
