package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo/internal/sqlcdb"
)

// RunReadStaleForMemberParams selects the stale runs of one workspace that
// member Subject sees. Zero-valued filters do not filter.
type RunReadStaleForMemberParams struct {
	WorkspaceID   int64
	Subject       string
	EnvironmentID *int64
	Family        domain.Family // the canonical family; its aliases match too
	Thresholds    StaleThresholds
	Now           time.Time
	Limit         int
}

// RunReadStaleForMember reads, in id order and without locks, up to Limit
// of the runs the sweep would claim as stale at p.Now in the workspace that
// the member sees (queries/preview.sql, under the stale condition of
// queries/stale.sql). It does not check membership: a non-member simply
// gets no runs, so ask MemberScopeGet first.
func RunReadStaleForMember(ctx context.Context, db DBTX, p RunReadStaleForMemberParams) ([]domain.Run, error) {
	types, afters := p.Thresholds.byType()
	rows, err := sqlcdb.New(db).RunReadStaleForMember(ctx, sqlcdb.RunReadStaleForMemberParams{
		WorkspaceID:    p.WorkspaceID,
		Subject:        p.Subject,
		EnvironmentID:  p.EnvironmentID,
		Family:         optional(string(p.Family)),
		Now:            p.Now,
		QueuedAfter:    p.Thresholds.Queued,
		Types:          types,
		Afters:         afters,
		RunningDefault: p.Thresholds.RunningDefault,
		MaxRuns:        int64(p.Limit),
	})
	if err != nil {
		return nil, fmt.Errorf("read stale runs: %w", err)
	}
	runs := make([]domain.Run, len(rows))
	for i, r := range rows {
		runs[i] = runOf(r.OperationRun, r.EnvironmentName)
	}
	return runs, nil
}
