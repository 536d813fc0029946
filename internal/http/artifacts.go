package http

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/domain"
)

// The proof surfaces: the artifacts behind a run's outcome, opened under the
// rules of runs (every hidden case is the one 404), with links back to the
// runs.

// BaselineSnapshot is the artifact of a baseline capture.
type BaselineSnapshot struct {
	ID          int64           `json:"id" format:"int64" example:"91"`
	Environment Environment     `json:"environment"`
	Profile     BaselineProfile `json:"profile"`
	// ItemCount counts the items the snapshot holds.
	ItemCount int64 `json:"item_count" example:"48"`
	// GapCount counts the items the capture could not take.
	GapCount  int64            `json:"gap_count" example:"0"`
	CreatedAt time.Time        `json:"created_at" format:"date-time"`
	Links     ArtifactRunLinks `json:"links"`
} //@name BaselineSnapshot

// BaselineProfile is the baseline a snapshot was captured for.
type BaselineProfile struct {
	ID   int64  `json:"id" format:"int64" example:"3"`
	Name string `json:"name" example:"Security baseline"`
} //@name BaselineProfile

// ArtifactRunLinks lead from an artifact to itself and to the runs it
// belongs to that the caller can open.
type ArtifactRunLinks struct {
	Self string `json:"self" example:"/workspaces/1/baseline-snapshots/91"`
	// Operation is the run that recorded the artifact, when that run lies in
	// the artifact's scope; null otherwise.
	Operation *string `json:"operation" extensions:"x-nullable" example:"/workspaces/1/operations/5"`
	// CitedBy are the runs whose decision record links the artifact, newest
	// first, at most 50.
	CitedBy []RunRef `json:"cited_by"`
} //@name ArtifactRunLinks

// RunRef names a run.
type RunRef struct {
	ID   int64  `json:"id" format:"int64" example:"5"`
	Href string `json:"href" example:"/workspaces/1/operations/5"`
} //@name RunRef

// BackupSet is the artifact of a scheduled backup, with its items counted
// as the backup rules count them.
type BackupSet struct {
	ID          int64       `json:"id" format:"int64" example:"2"`
	Environment Environment `json:"environment"`
	// Schedule is null when the set has none, or when it belongs to an
	// environment the caller may not see.
	Schedule *BackupSchedule `json:"schedule" extensions:"x-nullable"`
	Status   string          `json:"status" enums:"pending,running,completed,failed" example:"running"`
	// ItemCount is how many items the set expects.
	ItemCount int64          `json:"item_count" example:"5"`
	Counts    BackupCounts   `json:"counts"`
	CreatedAt time.Time      `json:"created_at" format:"date-time"`
	Links     BackupSetLinks `json:"links"`
} //@name BackupSet

// BackupSchedule is the schedule a backup set was taken for.
type BackupSchedule struct {
	ID      int64  `json:"id" format:"int64" example:"1"`
	Name    string `json:"name" example:"Nightly"`
	Enabled bool   `json:"enabled" example:"true"`
} //@name BackupSchedule

// BackupCounts counts a backup set's items.
type BackupCounts struct {
	Captured int64 `json:"captured" example:"4"`
	Failed   int64 `json:"failed" example:"1"`
	// AssignmentsMissing counts the items whose assignments are missing or failed.
	AssignmentsMissing int64 `json:"assignments_missing" example:"1"`
	// Other counts the items neither captured nor failed (pending or skipped).
	Other int64 `json:"other" example:"0"`
} //@name BackupCounts

// BackupSetLinks are an artifact's links and its items.
type BackupSetLinks struct {
	Self string `json:"self" example:"/workspaces/1/backup-sets/2"`
	// Operation is the run that recorded the set, when that run lies in the
	// set's scope; null otherwise.
	Operation *string `json:"operation" extensions:"x-nullable" example:"/workspaces/1/operations/7"`
	// CitedBy are the runs whose decision record links the set, newest
	// first, at most 50.
	CitedBy []RunRef `json:"cited_by"`
	// Items lists the set's items.
	Items string `json:"items" example:"/workspaces/1/backup-sets/2/items"`
} //@name BackupSetLinks

// BackupItem is one item of a backup set.
type BackupItem struct {
	ID                int64  `json:"id" format:"int64" example:"17"`
	PolicyType        string `json:"policy_type" example:"deviceConfiguration"`
	ExternalID        string `json:"external_id" example:"b6f1c7d2-0c1e-4a53-9d0f-2f5b1f0f6a11"`
	Status            string `json:"status" enums:"pending,captured,failed,skipped" example:"captured"`
	AssignmentsStatus string `json:"assignments_status" enums:"not_applicable,captured,missing,failed" example:"captured"`
	// ErrorCode is the job's code for a failed item; null when it recorded none.
	ErrorCode *string `json:"error_code" extensions:"x-nullable" example:"graph_throttled"`
} //@name BackupItem

// BackupItemPage is one page of a backup set's items, in id order.
type BackupItemPage struct {
	Items []BackupItem `json:"items"`
	// NextCursor fetches the next page with the same filters; null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"AQAAAAAAAAAAAAAAAAAAABGj0Xr2yJq8mN3bT0e4eQ"`
} //@name BackupItemPage

// InventoryItem is one inventory item a job observed.
type InventoryItem struct {
	ID          int64       `json:"id" format:"int64" example:"340"`
	Environment Environment `json:"environment"`
	PolicyType  string      `json:"policy_type" example:"compliancePolicy"`
	ExternalID  string      `json:"external_id" example:"0f8d2c61-5a8e-4c1b-93a7-6d2e2b9c4f10"`
	// DisplayName is the name the job recorded; null when none.
	DisplayName *string `json:"display_name" extensions:"x-nullable" example:"Windows 11 compliance"`
	// LastSeenAt is when a run last saw the item; null when none did.
	LastSeenAt *time.Time         `json:"last_seen_at" format:"date-time" extensions:"x-nullable"`
	Links      InventoryItemLinks `json:"links"`
} //@name InventoryItem

// InventoryItemLinks lead from an inventory item to its run.
type InventoryItemLinks struct {
	// Operation is the run that last saw the item, when that run lies in the
	// item's scope; null otherwise.
	Operation *string `json:"operation" extensions:"x-nullable" example:"/workspaces/1/operations/12"`
} //@name InventoryItemLinks

// InventoryItemPage is one page of inventory items, in id order.
type InventoryItemPage struct {
	Items []InventoryItem `json:"items"`
	// NextCursor fetches the next page with the same filters; null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"AQAAAAAAAAAAAAAAAAAAAVT3x0mXq2pQ8n1vZc7rKg"`
} //@name InventoryItemPage

// getBaselineSnapshot godoc
//
//	@ID				getBaselineSnapshot
//	@Summary		One baseline snapshot, with the runs it belongs to
//	@Description	The snapshot a baseline capture recorded, with the run that recorded it (when in the snapshot's scope) and the runs whose decision record cites it. A snapshot the caller may not see answers exactly like a run that does not exist.
//	@Tags			proof
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ws	path		int	true	"Workspace id"	minimum(1)	format(int64)
//	@Param			id	path		int	true	"Snapshot id"	minimum(1)	format(int64)
//	@Success		200	{object}	BaselineSnapshot
//	@Failure		400	{object}	Problem	"Invalid id"
//	@Failure		401	{object}	Problem	"Missing or invalid bearer token"
//	@Header			401	{string}	WWW-Authenticate	"Bearer challenge"
//	@Failure		404	{object}	Problem	"No such snapshot, or not visible to the caller"
//	@Failure		500	{object}	Problem
//	@Router			/workspaces/{ws}/baseline-snapshots/{id} [get]
func (a *api) getBaselineSnapshot(w http.ResponseWriter, r *http.Request) error {
	ids, err := pathIDs(r, "ws", "id")
	if err != nil {
		return err
	}
	ws := ids[0]
	s, err := a.app.GetBaselineSnapshot(r.Context(), ws, identity(r.Context()).Subject, ids[1])
	if err != nil {
		return err
	}
	self := artifactHref(ws, domain.Link{Rel: domain.RelBaselineSnapshot, ID: s.ID})
	operation, citedBy := runLinks(ws, s.Runs)
	return writeJSON(w, http.StatusOK, BaselineSnapshot{
		ID:          s.ID,
		Environment: Environment{ID: s.EnvironmentID, Name: s.EnvironmentName},
		Profile:     BaselineProfile{ID: s.ProfileID, Name: s.ProfileName},
		ItemCount:   s.ItemCount,
		GapCount:    s.GapCount,
		CreatedAt:   s.CreatedAt.UTC(),
		Links:       ArtifactRunLinks{Self: self, Operation: operation, CitedBy: citedBy},
	})
}

// getBackupSet godoc
//
//	@ID				getBackupSet
//	@Summary		One backup set, its items counted, with the runs it belongs to
//	@Description	The set a scheduled backup recorded, its items counted as the backup rules count them, with the run that recorded it (when in the set's scope), the runs whose decision record cites it and its items' listing. A set the caller may not see answers exactly like a run that does not exist.
//	@Tags			proof
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ws	path		int	true	"Workspace id"	minimum(1)	format(int64)
//	@Param			id	path		int	true	"Backup set id"	minimum(1)	format(int64)
//	@Success		200	{object}	BackupSet
//	@Failure		400	{object}	Problem	"Invalid id"
//	@Failure		401	{object}	Problem	"Missing or invalid bearer token"
//	@Header			401	{string}	WWW-Authenticate	"Bearer challenge"
//	@Failure		404	{object}	Problem	"No such backup set, or not visible to the caller"
//	@Failure		500	{object}	Problem
//	@Router			/workspaces/{ws}/backup-sets/{id} [get]
func (a *api) getBackupSet(w http.ResponseWriter, r *http.Request) error {
	ids, err := pathIDs(r, "ws", "id")
	if err != nil {
		return err
	}
	ws := ids[0]
	s, err := a.app.GetBackupSet(r.Context(), ws, identity(r.Context()).Subject, ids[1])
	if err != nil {
		return err
	}
	self := artifactHref(ws, domain.Link{Rel: domain.RelBackupSet, ID: s.ID})
	operation, citedBy := runLinks(ws, s.Runs)
	out := BackupSet{
		ID:          s.ID,
		Environment: Environment{ID: s.EnvironmentID, Name: s.EnvironmentName},
		Status:      s.Status,
		ItemCount:   s.Expected,
		Counts:      BackupCounts{Captured: s.Captured, Failed: s.Failed, AssignmentsMissing: s.AssignmentsMissing, Other: s.Other},
		CreatedAt:   s.CreatedAt.UTC(),
		Links:       BackupSetLinks{Self: self, Operation: operation, CitedBy: citedBy, Items: self + "/items"},
	}
	if s.Schedule != nil {
		out.Schedule = &BackupSchedule{ID: s.Schedule.ID, Name: s.Schedule.Name, Enabled: s.Schedule.Enabled}
	}
	return writeJSON(w, http.StatusOK, out)
}

// listBackupItems godoc
//
//	@ID				listBackupItems
//	@Summary		A backup set's items
//	@Description	The items of a backup set in id order, keyset-paginated: pass next_cursor back as cursor with the same filters. A set the caller may not see answers exactly like a run that does not exist.
//	@Tags			proof
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ws		path		int		true	"Workspace id"	minimum(1)	format(int64)
//	@Param			id		path		int		true	"Backup set id"	minimum(1)	format(int64)
//	@Param			status	query		string	false	"Only items with this status"	Enums(pending, captured, failed, skipped)
//	@Param			limit	query		int		false	"Page size"	minimum(1)	maximum(200)	default(50)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	BackupItemPage
//	@Failure		400		{object}	Problem	"Invalid id, filter, limit or cursor"
//	@Failure		401		{object}	Problem	"Missing or invalid bearer token"
//	@Header			401		{string}	WWW-Authenticate	"Bearer challenge"
//	@Failure		404		{object}	Problem	"No such backup set, or not visible to the caller"
//	@Failure		500		{object}	Problem
//	@Router			/workspaces/{ws}/backup-sets/{id}/items [get]
func (a *api) listBackupItems(w http.ResponseWriter, r *http.Request) error {
	ids, err := pathIDs(r, "ws", "id")
	if err != nil {
		return err
	}
	ws, set := ids[0], ids[1]
	q := newQueryReader(r)
	status := oneOf(q, "status", domain.BackupItemStatuses...)
	limit := q.intIn("limit", hubDefaultLimit, 1, hubMaxLimit)
	cursor := q.str("cursor")
	if err := q.err(); err != nil {
		return err
	}
	key := fmt.Sprintf("backup-items\x00ws=%d\x00set=%d\x00status=%s", ws, set, status)
	req := app.ListBackupItemsRequest{WorkspaceID: ws, Subject: identity(r.Context()).Subject, BackupSetID: set, Status: status, Limit: limit}
	if cursor != "" {
		if req.AfterID, err = a.cursors.decodeID(cursor, key); err != nil {
			return err
		}
	}
	list, err := a.app.ListBackupItems(r.Context(), req)
	if err != nil {
		return err
	}
	page := BackupItemPage{Items: make([]BackupItem, len(list.Items))}
	for i, it := range list.Items {
		page.Items[i] = BackupItem{ID: it.ID, PolicyType: it.PolicyType, ExternalID: it.ExternalID, Status: it.Status,
			AssignmentsStatus: it.AssignmentsStatus, ErrorCode: it.ErrorCode}
	}
	if list.Next != 0 {
		page.NextCursor = new(a.cursors.encodeID(list.Next, key))
	}
	return writeJSON(w, http.StatusOK, page)
}

// listInventoryItems godoc
//
//	@ID				listInventoryItems
//	@Summary		Inventory items jobs observed
//	@Description	The inventory items of the environments the caller sees, in id order, keyset-paginated: pass next_cursor back as cursor with the same filters. seen_by_run keeps the items that run was the last to see (the items an inventory run's decision counted). An environment or run the caller may not see answers exactly like a run that does not exist.
//	@Tags			proof
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ws			path		int		true	"Workspace id"	minimum(1)	format(int64)
//	@Param			environment	query		int		false	"Only items of this managed environment"	minimum(1)	format(int64)
//	@Param			seen_by_run	query		int		false	"Only items this run was the last to see"	minimum(1)	format(int64)
//	@Param			policy_type	query		string	false	"Only items of this policy type"	maxlength(200)
//	@Param			limit		query		int		false	"Page size"	minimum(1)	maximum(200)	default(50)
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	InventoryItemPage
//	@Failure		400			{object}	Problem	"Invalid id, filter, limit or cursor"
//	@Failure		401			{object}	Problem	"Missing or invalid bearer token"
//	@Header			401			{string}	WWW-Authenticate	"Bearer challenge"
//	@Failure		404			{object}	Problem	"Unknown workspace, environment or run, or not visible to the caller"
//	@Failure		500			{object}	Problem
//	@Router			/workspaces/{ws}/inventory-items [get]
func (a *api) listInventoryItems(w http.ResponseWriter, r *http.Request) error {
	ids, err := pathIDs(r, "ws")
	if err != nil {
		return err
	}
	ws := ids[0]
	q := newQueryReader(r)
	req := app.ListInventoryItemsRequest{
		WorkspaceID:   ws,
		Subject:       identity(r.Context()).Subject,
		EnvironmentID: q.id("environment"),
		SeenByRun:     q.id("seen_by_run"),
		PolicyType:    q.str("policy_type"),
		Limit:         q.intIn("limit", hubDefaultLimit, 1, hubMaxLimit),
	}
	if len(req.PolicyType) > 200 {
		q.fail("policy_type", "must be at most 200 characters")
	}
	cursor := q.str("cursor")
	if err := q.err(); err != nil {
		return err
	}
	key := fmt.Sprintf("inventory-items\x00ws=%d\x00environment=%s\x00seen_by_run=%s\x00policy_type=%s",
		ws, optionalID(req.EnvironmentID), optionalID(req.SeenByRun), req.PolicyType)
	if cursor != "" {
		if req.AfterID, err = a.cursors.decodeID(cursor, key); err != nil {
			return err
		}
	}
	list, err := a.app.ListInventoryItems(r.Context(), req)
	if err != nil {
		return err
	}
	page := InventoryItemPage{Items: make([]InventoryItem, len(list.Items))}
	for i, it := range list.Items {
		page.Items[i] = InventoryItem{
			ID:          it.ID,
			Environment: Environment{ID: it.EnvironmentID, Name: it.EnvironmentName},
			PolicyType:  it.PolicyType,
			ExternalID:  it.ExternalID,
			DisplayName: it.DisplayName,
			LastSeenAt:  utc(it.LastSeenAt),
			Links:       InventoryItemLinks{Operation: runHrefOf(ws, it.LastSeenBy)},
		}
	}
	if list.Next != 0 {
		page.NextCursor = new(a.cursors.encodeID(list.Next, key))
	}
	return writeJSON(w, http.StatusOK, page)
}

// pathIDs reads the positive decimal ids of the named path parameters,
// naming every malformed one in one 400.
func pathIDs(r *http.Request, names ...string) ([]int64, error) {
	ids := make([]int64, len(names))
	var bad []FieldError
	for i, name := range names {
		id, ok := parseID(chi.URLParam(r, name))
		if !ok {
			bad = append(bad, FieldError{Field: name, Detail: badID})
		}
		ids[i] = id
	}
	if bad != nil {
		return nil, invalid(bad...)
	}
	return ids, nil
}

func optionalID(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// workspaceHref is the path every route of workspace ws starts with.
func workspaceHref(ws int64) string { return "/workspaces/" + strconv.FormatInt(ws, 10) }

// artifactHref is where the caller opens what link l names from a run of
// workspace ws; for RelInventoryItems, l.ID is the run whose items it lists.
func artifactHref(ws int64, l domain.Link) string {
	id := strconv.FormatInt(l.ID, 10)
	switch l.Rel {
	case domain.RelBaselineSnapshot:
		return workspaceHref(ws) + "/baseline-snapshots/" + id
	case domain.RelBackupSet:
		return workspaceHref(ws) + "/backup-sets/" + id
	default: // app.RelInventoryItems
		return workspaceHref(ws) + "/inventory-items?seen_by_run=" + id
	}
}

// artifactRoutes are the routes artifactHref leads to, by relation, for
// the families endpoint.
var artifactRoutes = map[string]string{
	domain.RelBaselineSnapshot: "/workspaces/{ws}/baseline-snapshots/{id}",
	domain.RelBackupSet:        "/workspaces/{ws}/backup-sets/{id}",
	app.RelInventoryItems:      "/workspaces/{ws}/inventory-items?seen_by_run={run}",
}

// relatedLinks renders a run's related links (app.RunView.Related).
func relatedLinks(ws int64, related []domain.Link) []RelatedLink {
	out := make([]RelatedLink, len(related))
	for i, l := range related {
		out[i] = RelatedLink{Rel: l.Rel, Href: artifactHref(ws, l)}
		if l.Rel != app.RelInventoryItems {
			out[i].ID = new(l.ID)
		}
	}
	return out
}

// artifactLinks renders the artifact links among links.
func artifactLinks(ws int64, links []domain.Link) []ArtifactLink {
	out := make([]ArtifactLink, 0, len(links))
	for _, l := range links {
		if l.Rel != app.RelInventoryItems {
			out = append(out, ArtifactLink{Rel: l.Rel, ID: l.ID, Href: artifactHref(ws, l)})
		}
	}
	return out
}

// runLinks renders the runs an artifact leads back to.
func runLinks(ws int64, runs domain.ArtifactRuns) (operation *string, citedBy []RunRef) {
	citedBy = make([]RunRef, len(runs.CitedBy))
	for i, id := range runs.CitedBy {
		citedBy[i] = RunRef{ID: id, Href: runHref(ws, id)}
	}
	return runHrefOf(ws, runs.ProducedBy), citedBy
}

// runHrefOf is run id's href, nil for 0 (no run).
func runHrefOf(ws, id int64) *string {
	if id == 0 {
		return nil
	}
	return new(runHref(ws, id))
}
