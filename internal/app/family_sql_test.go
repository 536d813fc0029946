package app_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/reconcile"
)

// TestFamilyInGoAndSQLAgree holds the two spellings of a run's family to each
// other: domain.Canonical, which every decision uses, and the database's run_family,
// which the hub's type filter and its index use. An alias added on one side
// only fails here.
func TestFamilyInGoAndSQLAgree(t *testing.T) {
	t.Parallel()
	b := setup(t)
	types := []string{"policy.sync", "restore.execute", "not.a.family", "INVENTORY.SYNC", ""}
	for _, f := range reconcile.Families() {
		types = append(types, string(f.Family))
		types = append(types, domain.AliasesOf(f.Family)...)
	}
	for _, typ := range types {
		var family string
		require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT run_family($1)`, typ).Scan(&family))
		require.Equal(t, string(domain.Canonical(typ)), family, "type %q", typ)
	}
}
