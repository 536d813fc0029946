package app

import (
	"context"
	"time"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// Family is a run family with its rules and the stale thresholds in force.
type Family struct {
	reconcile.FamilyInfo
	// QueuedAfter and RunningAfter are the thresholds past which an open
	// run of the family is stale.
	QueuedAfter, RunningAfter time.Duration
	// Links are the relations of the links the family's proof gives its
	// runs (domain.RelBaselineSnapshot, domain.RelBackupSet,
	// RelInventoryItems); empty for a family decided from no proof.
	Links []string
}

// Families lists every family runproof knows (reconcile.Families) with its
// thresholds, for a member who may view the workspace; a non-member and an
// unknown workspace both get domain.ErrNotFound.
func (a *App) Families(ctx context.Context, workspaceID int64, subject string) ([]Family, error) {
	m, err := repo.MemberGet(ctx, a.pool, workspaceID, subject)
	if err != nil {
		return nil, err
	}
	if err := authz.Role(m.Role).Require(authz.CapView); err != nil {
		return nil, err
	}
	infos := reconcile.Families()
	out := make([]Family, len(infos))
	for i, f := range infos {
		out[i] = Family{FamilyInfo: f, QueuedAfter: a.staleness.Queued, RunningAfter: a.staleness.RunningAfter(f.Family), Links: proofLinks(f.Family)}
	}
	return out, nil
}
