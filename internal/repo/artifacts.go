package repo

import (
	"context"
	"fmt"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo/internal/sqlcdb"
)

// The proof surfaces' reads (queries/artifacts.sql). Each decides in SQL
// what the member may see, under the rule of the run reads, and returns
// domain.ErrNotFound for every hidden case alike: not a member (or no such
// workspace), another workspace's artifact, an environment not granted, no
// such artifact.

// MemberScopeParams names what a request asks a member to see; nil
// fields are not asked about.
type MemberScopeParams struct {
	WorkspaceID   int64
	Subject       string
	EnvironmentID *int64
	RunID         *int64
	BackupSetID   *int64
}

// MemberScopeGet returns the member's role once it has checked that the
// member sees every environment, run and backup set p names. It reads
// nothing else, so a caller asks it before reading what those name.
func MemberScopeGet(ctx context.Context, db DBTX, p MemberScopeParams) (Member, error) {
	row, err := sqlcdb.New(db).MemberScope(ctx, sqlcdb.MemberScopeParams{
		WorkspaceID: p.WorkspaceID, Subject: p.Subject, EnvironmentID: p.EnvironmentID, RunID: p.RunID, BackupSetID: p.BackupSetID,
	})
	if err != nil {
		return Member{}, readError("get member scope", err)
	}
	for _, visible := range []*bool{row.EnvironmentVisible, row.RunVisible, row.BackupSetVisible} {
		if visible == nil || !*visible {
			return Member{}, domain.ErrNotFound
		}
	}
	return Member{Role: row.Role}, nil
}

// SnapshotGetForMember returns baseline snapshot id of workspace ws and the
// member's role, in one round trip.
func SnapshotGetForMember(ctx context.Context, db DBTX, ws int64, subject string, id int64) (Member, domain.BaselineSnapshot, error) {
	r, err := sqlcdb.New(db).SnapshotGetForMember(ctx, sqlcdb.SnapshotGetForMemberParams{WorkspaceID: ws, Subject: subject, ID: id})
	if err != nil {
		return Member{}, domain.BaselineSnapshot{}, readError("get baseline snapshot", err)
	}
	return Member{Role: r.Role}, domain.BaselineSnapshot{
		ID:              r.ID,
		EnvironmentID:   r.ManagedEnvironmentID,
		EnvironmentName: r.EnvironmentName,
		ProfileID:       r.BaselineProfileID,
		ProfileName:     r.ProfileName,
		ItemCount:       int64(r.ItemCount),
		GapCount:        int64(r.GapCount),
		CreatedAt:       r.CreatedAt,
		Runs:            domain.ArtifactRuns{ProducedBy: r.ProducedBy, CitedBy: r.CitedBy},
	}, nil
}

// BackupSetGetForMember returns backup set id of workspace ws, its items
// counted, and the member's role, in one round trip.
func BackupSetGetForMember(ctx context.Context, db DBTX, ws int64, subject string, id int64) (Member, domain.BackupSet, error) {
	r, err := sqlcdb.New(db).BackupSetGetForMember(ctx, sqlcdb.BackupSetGetForMemberParams{WorkspaceID: ws, Subject: subject, ID: id})
	if err != nil {
		return Member{}, domain.BackupSet{}, readError("get backup set", err)
	}
	set := domain.BackupSet{
		ID:                 r.ID,
		EnvironmentID:      r.ManagedEnvironmentID,
		EnvironmentName:    r.EnvironmentName,
		Status:             r.Status,
		Expected:           int64(r.ItemCount),
		Captured:           r.Captured,
		Failed:             r.Failed,
		AssignmentsMissing: r.AssignmentsMissing,
		Other:              r.Other,
		CreatedAt:          r.CreatedAt,
		Runs:               domain.ArtifactRuns{ProducedBy: r.ProducedBy, CitedBy: r.CitedBy},
	}
	if r.ScheduleID != nil && r.ScheduleName != nil && r.ScheduleEnabled != nil {
		set.Schedule = &domain.BackupSchedule{ID: *r.ScheduleID, Name: *r.ScheduleName, Enabled: *r.ScheduleEnabled}
	}
	return Member{Role: r.Role}, set, nil
}

// BackupItemsParams selects one page of a backup set's items in id order.
type BackupItemsParams struct {
	BackupSetID int64
	Status      string // "" for every status
	AfterID     int64  // only items with a larger id
	Limit       int
}

// BackupItemList reads one page of a backup set's items. It does not check
// who may see the set: ask MemberScopeGet first.
func BackupItemList(ctx context.Context, db DBTX, p BackupItemsParams) ([]domain.BackupItem, error) {
	rows, err := sqlcdb.New(db).BackupItemsPage(ctx, sqlcdb.BackupItemsPageParams{
		BackupSetID: p.BackupSetID, AfterID: p.AfterID, Status: optional(p.Status), MaxItems: int64(p.Limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list backup items: %w", err)
	}
	out := make([]domain.BackupItem, len(rows))
	for i, r := range rows {
		out[i] = domain.BackupItem(r)
	}
	return out, nil
}

// InventoryItemsParams selects one page of inventory items in id order, as
// member Subject sees them. Zero-valued filters do not filter.
type InventoryItemsParams struct {
	WorkspaceID   int64
	Subject       string
	EnvironmentID *int64
	SeenByRun     *int64 // only the items this run was the last to see
	PolicyType    string
	AfterID       int64 // only items with a larger id
	Limit         int
}

// InventoryItemList reads one page of inventory items of the environments
// the member sees. It does not check that the member sees the environment
// or the run p names (their items are simply not listed otherwise): ask
// MemberScopeGet first, so that a hidden one is a 404 and not an empty page.
func InventoryItemList(ctx context.Context, db DBTX, p InventoryItemsParams) ([]domain.InventoryItem, error) {
	q := sqlcdb.New(db)
	if p.SeenByRun != nil {
		rows, err := q.InventoryItemsSeenByRun(ctx, sqlcdb.InventoryItemsSeenByRunParams{
			WorkspaceID: p.WorkspaceID, Subject: p.Subject, RunID: *p.SeenByRun, EnvironmentID: p.EnvironmentID,
			PolicyType: optional(p.PolicyType), AfterID: p.AfterID, MaxItems: int64(p.Limit),
		})
		if err != nil {
			return nil, fmt.Errorf("list inventory items: %w", err)
		}
		out := make([]domain.InventoryItem, len(rows))
		for i, r := range rows {
			out[i] = inventoryItemOf(sqlcdb.InventoryItemsPageRow(r)) // the same columns
		}
		return out, nil
	}
	rows, err := q.InventoryItemsPage(ctx, sqlcdb.InventoryItemsPageParams{
		WorkspaceID: p.WorkspaceID, Subject: p.Subject, EnvironmentID: p.EnvironmentID,
		PolicyType: optional(p.PolicyType), AfterID: p.AfterID, MaxItems: int64(p.Limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list inventory items: %w", err)
	}
	out := make([]domain.InventoryItem, len(rows))
	for i, r := range rows {
		out[i] = inventoryItemOf(r)
	}
	return out, nil
}

func inventoryItemOf(r sqlcdb.InventoryItemsPageRow) domain.InventoryItem {
	return domain.InventoryItem{ID: r.ID, EnvironmentID: r.ManagedEnvironmentID, EnvironmentName: r.EnvironmentName,
		PolicyType: r.PolicyType, ExternalID: r.ExternalID, DisplayName: r.DisplayName, LastSeenAt: r.LastSeenAt, LastSeenBy: r.LastSeenBy}
}

// ArtifactsOpenable returns which of the links name an artifact member
// subject can open in workspace ws now (the snapshot and backup set routes'
// rule), in one query whatever their number. Links of other relations are
// never openable here.
func ArtifactsOpenable(ctx context.Context, db DBTX, ws int64, subject string, links []domain.Link) (map[domain.Link]bool, error) {
	var snapshots, sets []int64
	for _, l := range links {
		switch l.Rel {
		case domain.RelBaselineSnapshot:
			snapshots = append(snapshots, l.ID)
		case domain.RelBackupSet:
			sets = append(sets, l.ID)
		}
	}
	open := map[domain.Link]bool{}
	if len(snapshots) == 0 && len(sets) == 0 {
		return open, nil
	}
	rows, err := sqlcdb.New(db).ArtifactsOpenable(ctx, sqlcdb.ArtifactsOpenableParams{
		WorkspaceID: ws, Subject: subject, SnapshotIds: snapshots, BackupSetIds: sets,
	})
	if err != nil {
		return nil, fmt.Errorf("check related artifacts: %w", err)
	}
	for _, r := range rows {
		open[domain.Link{Rel: r.Rel, ID: r.ID}] = true
	}
	return open, nil
}

// optional is s for a nullable parameter: nil when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
