package app

import (
	"context"
	"encoding/json"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// The proof surfaces: the artifacts behind a run's outcome, opened by a
// workspace member under the same rules as runs, and the links between runs
// and artifacts both ways.

// RelInventoryItems is the relation of a run's link to the inventory items
// it was the last to see. It is derived, never stored: an inventory.sync
// run whose decision record counted observed items gets it.
const RelInventoryItems = "inventory_items"

// GetBaselineSnapshot returns snapshot id of workspace ws for member
// subject. Every reason it is hidden (not a member, unknown workspace,
// another workspace's snapshot, an environment not granted, no such
// snapshot) is domain.ErrNotFound alike, decided before the snapshot is
// read, as for a run.
func (a *App) GetBaselineSnapshot(ctx context.Context, ws int64, subject string, id int64) (domain.BaselineSnapshot, error) {
	m, s, err := repo.SnapshotGetForMember(ctx, a.pool, ws, subject, id)
	if err != nil {
		return domain.BaselineSnapshot{}, err
	}
	if err := authz.Role(m.Role).Require(authz.CapView); err != nil {
		return domain.BaselineSnapshot{}, err
	}
	return s, nil
}

// GetBackupSet returns backup set id of workspace ws for member subject,
// with its items counted; hidden is domain.ErrNotFound as for
// GetBaselineSnapshot.
func (a *App) GetBackupSet(ctx context.Context, ws int64, subject string, id int64) (domain.BackupSet, error) {
	m, s, err := repo.BackupSetGetForMember(ctx, a.pool, ws, subject, id)
	if err != nil {
		return domain.BackupSet{}, err
	}
	if err := authz.Role(m.Role).Require(authz.CapView); err != nil {
		return domain.BackupSet{}, err
	}
	return s, nil
}

// ListBackupItemsRequest asks for one page of a backup set's items, in id
// order.
type ListBackupItemsRequest struct {
	WorkspaceID int64
	Subject     string
	BackupSetID int64
	// Status filters on the item's status; "" does not filter.
	Status string
	// AfterID continues a listing after the item it names.
	AfterID int64
	// Limit is the page size, at least 1.
	Limit int
}

// BackupItemPage is one page of a backup set's items.
type BackupItemPage struct {
	Items []domain.BackupItem
	// Next is the last item's id when a next page exists, 0 otherwise.
	Next int64
}

// ListBackupItems reads one page of a backup set's items. The set hidden
// from the member is domain.ErrNotFound as for GetBackupSet, decided
// before any item is read.
func (a *App) ListBackupItems(ctx context.Context, req ListBackupItemsRequest) (BackupItemPage, error) {
	m, err := repo.MemberScopeGet(ctx, a.pool, repo.MemberScopeParams{
		WorkspaceID: req.WorkspaceID, Subject: req.Subject, BackupSetID: &req.BackupSetID,
	})
	if err != nil {
		return BackupItemPage{}, err
	}
	if err := authz.Role(m.Role).Require(authz.CapView); err != nil {
		return BackupItemPage{}, err
	}
	limit := max(req.Limit, 1)
	items, err := repo.BackupItemList(ctx, a.pool, repo.BackupItemsParams{
		BackupSetID: req.BackupSetID, Status: req.Status, AfterID: req.AfterID, Limit: limit + 1,
	})
	if err != nil {
		return BackupItemPage{}, err
	}
	page := BackupItemPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.Next = items[limit-1].ID
	}
	return page, nil
}

// ListInventoryItemsRequest asks for one page of inventory items, in id
// order, of the environments member Subject sees. Zero-valued filters do
// not filter.
type ListInventoryItemsRequest struct {
	WorkspaceID   int64
	Subject       string
	EnvironmentID *int64
	// SeenByRun keeps the items this run was the last to see.
	SeenByRun  *int64
	PolicyType string
	// AfterID continues a listing after the item it names.
	AfterID int64
	// Limit is the page size, at least 1.
	Limit int
}

// InventoryItemPage is one page of inventory items.
type InventoryItemPage struct {
	Items []domain.InventoryItem
	// Next is the last item's id when a next page exists, 0 otherwise.
	Next int64
}

// ListInventoryItems reads one page of inventory items. An environment or
// a run the request names that the member may not see (another
// workspace's, not granted, unknown) is domain.ErrNotFound, like a hidden
// run, decided before any item is read; the workspace alike.
func (a *App) ListInventoryItems(ctx context.Context, req ListInventoryItemsRequest) (InventoryItemPage, error) {
	m, err := repo.MemberScopeGet(ctx, a.pool, repo.MemberScopeParams{
		WorkspaceID: req.WorkspaceID, Subject: req.Subject, EnvironmentID: req.EnvironmentID, RunID: req.SeenByRun,
	})
	if err != nil {
		return InventoryItemPage{}, err
	}
	if err := authz.Role(m.Role).Require(authz.CapView); err != nil {
		return InventoryItemPage{}, err
	}
	limit := max(req.Limit, 1)
	items, err := repo.InventoryItemList(ctx, a.pool, repo.InventoryItemsParams{
		WorkspaceID: req.WorkspaceID, Subject: req.Subject, EnvironmentID: req.EnvironmentID,
		SeenByRun: req.SeenByRun, PolicyType: req.PolicyType, AfterID: req.AfterID, Limit: limit + 1,
	})
	if err != nil {
		return InventoryItemPage{}, err
	}
	page := InventoryItemPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.Next = items[limit-1].ID
	}
	return page, nil
}

// relate sets the Related links of views, runs of workspace ws read for
// member subject, and returns which of extra (a fresh decision's links)
// the member can open. A decision links only artifacts in its run's scope,
// which a member who sees the run sees too; but an artifact may have been
// deleted or moved since, so whether each one can still be opened is asked
// of the database, in one query for all the views whatever their number.
func (a *App) relate(ctx context.Context, ws int64, subject string, views []RunView, extra []domain.Link) ([]domain.Link, error) {
	records := make([]recordLinks, len(views))
	asked := append([]domain.Link(nil), extra...)
	for i := range views {
		records[i] = readRecordLinks(views[i].Reconciliation)
		asked = append(asked, records[i].Links...)
	}
	open, err := repo.ArtifactsOpenable(ctx, a.pool, ws, subject, asked)
	if err != nil {
		return nil, err
	}
	for i := range views {
		v := &views[i]
		v.Related = openable(records[i].Links, open)
		if v.Family() == domain.FamilyInventorySync && records[i].Proof.ItemsObserved > 0 {
			v.Related = append(v.Related, domain.Link{Rel: RelInventoryItems, ID: v.ID})
		}
	}
	return openable(extra, open), nil
}

// openable returns the links of links found in open, in order.
func openable(links []domain.Link, open map[domain.Link]bool) []domain.Link {
	out := make([]domain.Link, 0, len(links))
	for _, l := range links {
		if open[l] {
			out = append(out, l)
		}
	}
	return out
}

// recordLinks is what relating a run reads of its decision record.
type recordLinks struct {
	Links []domain.Link `json:"links"`
	Proof struct {
		ItemsObserved float64 `json:"items_observed"`
	} `json:"proof"`
}

// readRecordLinks reads the links and the observed item count of a
// decision record; a record that is absent or does not read as one links
// nothing.
func readRecordLinks(raw json.RawMessage) recordLinks {
	var r recordLinks
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &r) != nil {
		return recordLinks{}
	}
	return r
}

// proofLinks are the relations of the links a family's proof gives its
// runs: the artifacts its adapter reads.
func proofLinks(f domain.Family) []string {
	switch reconcile.ProofKind(domain.Run{Type: string(f), Status: domain.StatusRunning}) {
	case proof.KindInventory:
		return []string{RelInventoryItems}
	case proof.KindBaseline:
		return []string{domain.RelBaselineSnapshot}
	case proof.KindBackup:
		return []string{domain.RelBackupSet}
	default:
		return []string{}
	}
}
