package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
)

// familyCase is one proof situation of a family's rules (docs/contract.md,
// section 4) and the decision it must get.
type familyCase struct {
	name  string
	setup func(s scene) domain.Run
	kind  domain.DecisionKind
	// outcome is set for finalized decisions only.
	outcome domain.Outcome
	reason  string
	// says are parts the explanation must contain; exact, when set, is all of it.
	says  []string
	exact string
	// links are the relations of the expected links, in order.
	links []string
}

// runFamily checks every case three ways: decided together in one batch (as
// the sweeper does), alone, and through the manual reconcile, which must
// write exactly the finalized ones. Then every alias of the family must
// decide each case exactly as the canonical type does.
func runFamily(t *testing.T, family domain.Family, cases []familyCase) {
	t.Helper()
	ctx := context.Background()
	b := setup(t)
	runs := make([]domain.Run, len(cases))
	for i, c := range cases {
		runs[i] = c.setup(scene{t: t, b: b, typ: string(family)})
	}
	batch, err := app.Decide(ctx, b.pool, runs...)
	require.NoError(t, err)
	require.Len(t, batch, len(cases))

	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := batch[i]
			require.Equal(t, c.kind, d.Kind, d.Explanation)
			require.Equal(t, c.reason, d.ReasonCode, d.Explanation)
			if c.outcome == "" {
				require.Nil(t, d.Outcome)
			} else {
				require.NotNil(t, d.Outcome)
				require.Equal(t, c.outcome, *d.Outcome)
			}
			requireCalmSentence(t, d)
			if c.exact != "" {
				require.Equal(t, c.exact, d.Explanation)
			}
			for _, part := range c.says {
				require.Contains(t, d.Explanation, part)
			}
			rels := []string{}
			for _, l := range d.Links {
				rels = append(rels, l.Rel)
			}
			require.Equal(t, append([]string{}, c.links...), rels)
			require.Equal(t, string(family)+"/v1", d.Adapter)

			alone, err := app.Decide(ctx, b.pool, runs[i])
			require.NoError(t, err)
			require.Equal(t, d, alone[0], "a batch decides each run as if it were alone")

			res, err := b.app.Reconcile(ctx, app.ReconcileRequest{WorkspaceID: b.w.WS, RunID: runs[i].ID, Subject: "alice", Note: c.name})
			require.NoError(t, err)
			require.Equal(t, d.Kind, res.Decision.Kind)
			require.Equal(t, d.ReasonCode, res.Decision.ReasonCode)
			after := prooftest.Get(t, b.pool, b.w.WS, runs[i].ID)
			require.Equal(t, after, res.Run.Run)
			if c.kind != domain.DecisionFinalized {
				require.False(t, res.Applied)
				require.Equal(t, runs[i], after, "not_reconciled never writes")
				return
			}
			require.True(t, res.Applied)
			require.Equal(t, domain.StatusCompleted, after.Status)
			require.Equal(t, c.outcome, after.Outcome)
			var stored struct {
				Reconciliation domain.Reconciliation `json:"reconciliation"`
			}
			require.NoError(t, json.Unmarshal(after.Context, &stored))
			prooftest.RequireReconciliationKeys(t, after.Context)
			rec := stored.Reconciliation
			require.Equal(t, domain.DecisionFinalized, rec.Decision)
			require.Equal(t, c.outcome, rec.Outcome)
			require.Equal(t, c.reason, rec.ReasonCode)
			require.Equal(t, d.Explanation, rec.Explanation)
			require.Equal(t, domain.SourceManual, rec.Source)
			require.Equal(t, "alice", rec.Actor)
			require.Equal(t, string(family)+"/v1", rec.Adapter)
			require.Equal(t, domain.StatusRunning, rec.PreviousStatus)
			require.Equal(t, c.name, rec.Note)
			require.Equal(t, d.Links, rec.Links, "stored links are the decision's")
			wantProof, err := json.Marshal(d.Proof)
			require.NoError(t, err)
			gotProof, err := json.Marshal(rec.Proof)
			require.NoError(t, err)
			require.JSONEq(t, string(wantProof), string(gotProof), "the stored proof is the decision's")
			var summary map[string]int64
			require.NoError(t, json.Unmarshal(after.SummaryCounts, &summary))
			require.Equal(t, d.Summary, summary)
		})
	}

	for _, alias := range domain.AliasesOf(family) {
		t.Run("alias "+alias, func(t *testing.T) {
			t.Parallel()
			aliased := make([]domain.Run, len(cases))
			for i, c := range cases {
				aliased[i] = c.setup(scene{t: t, b: b, typ: alias})
			}
			got, err := app.Decide(ctx, b.pool, aliased...)
			require.NoError(t, err)
			for i, c := range cases {
				require.Equal(t, batch[i].Kind, got[i].Kind, c.name)
				require.Equal(t, batch[i].Outcome, got[i].Outcome, c.name)
				require.Equal(t, batch[i].ReasonCode, got[i].ReasonCode, c.name)
				require.Equal(t, batch[i].Adapter, got[i].Adapter, c.name)
				require.Equal(t, withoutIDs(batch[i].Explanation), withoutIDs(got[i].Explanation), c.name)
			}
		})
	}
}

// withoutIDs masks the artifact ids in an explanation, which differ between
// two runs of the same case.
func withoutIDs(s string) string {
	for _, word := range []string{"snapshot ", "backup set "} {
		parts := strings.Split(s, word)
		for i := 1; i < len(parts); i++ {
			parts[i] = strings.TrimLeft(parts[i], "0123456789")
		}
		s = strings.Join(parts, word+"#")
	}
	return s
}
