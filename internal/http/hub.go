package http

import (
	"fmt"
	"net/http"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/domain"
)

// HubPage is one page of the operations hub, newest first.
type HubPage struct {
	Items []Run `json:"items"`
	// NextCursor fetches the next page with the same filters; null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"AQAGJb7yq4gAAAAAAAAAAAXDzl8h0qgk1l0aYw"`
} //@name HubPage

// hubFilters is a validated hub query.
type hubFilters struct {
	environment *int64
	family      domain.Family
	status      domain.Status
	outcome     domain.Outcome
	stale       *bool
	limit       int
	cursor      string
}

// Limits of a hub page.
const (
	hubDefaultLimit = 50
	hubMaxLimit     = 200
)

func parseHubFilters(r *http.Request) (hubFilters, error) {
	q := newQueryReader(r)
	f := hubFilters{
		environment: q.id("environment"),
		status:      oneOf(q, "status", domain.Statuses...),
		outcome:     oneOf(q, "outcome", domain.Outcomes...),
		stale:       q.boolean("stale"),
		limit:       q.intIn("limit", hubDefaultLimit, 1, hubMaxLimit),
		cursor:      q.str("cursor"),
	}
	if t := q.str("type"); len(t) > 200 {
		q.fail("type", "must be at most 200 characters")
	} else if t != "" {
		f.family = domain.Canonical(t)
	}
	return f, q.err()
}

// key identifies the listing a cursor belongs to: workspace and filters,
// never the page size.
func (f hubFilters) key(ws int64) string {
	env, stale := "", ""
	if f.environment != nil {
		env = fmt.Sprint(*f.environment)
	}
	if f.stale != nil {
		stale = fmt.Sprint(*f.stale)
	}
	return fmt.Sprintf("ws=%d\x00environment=%s\x00type=%s\x00status=%s\x00outcome=%s\x00stale=%s",
		ws, env, f.family, f.status, f.outcome, stale)
}

// listRuns godoc
//
//	@ID			listRuns
//	@Summary		Operations hub: a workspace's runs, newest first
//	@Description	Filters combine; type matches the canonical family and its legacy aliases. Pages are keyset-paginated: pass next_cursor back as cursor with the same filters.
//	@Tags			operations
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ws			path		int		true	"Workspace id"	minimum(1)	format(int64)
//	@Param			environment	query		int		false	"Only runs of this managed environment"	minimum(1)	format(int64)
//	@Param			type		query		string	false	"Only runs of this family (canonical type or an alias)"	maxlength(200)
//	@Param			status		query		string	false	"Only runs with this status"	Enums(queued, running, completed)
//	@Param			outcome		query		string	false	"Only runs with this outcome"	Enums(pending, succeeded, partially_succeeded, blocked, failed, cancelled)
//	@Param			stale		query		bool	false	"Only stale (true) or only not stale (false) runs"
//	@Param			limit		query		int		false	"Page size"	minimum(1)	maximum(200)	default(50)
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	HubPage
//	@Failure		400			{object}	Problem	"Invalid id, filter, limit or cursor"
//	@Failure		401			{object}	Problem	"Missing or invalid bearer token"
//	@Header		401	{string}	WWW-Authenticate	"Bearer challenge"
//	@Failure		404			{object}	Problem	"Unknown workspace or not a member"
//	@Failure		500			{object}	Problem
//	@Failure		503			{object}	Problem	"The database is unavailable or did not answer in time"
//	@Header		503	{integer}	Retry-After	"Seconds to wait before retrying"
//	@Router			/workspaces/{ws}/operations [get]
func (a *api) listRuns(w http.ResponseWriter, r *http.Request) error {
	ws, err := pathID(r, "ws")
	if err != nil {
		return err
	}
	f, err := parseHubFilters(r)
	if err != nil {
		return err
	}
	req := app.ListRunsRequest{
		WorkspaceID:   ws,
		Subject:       identity(r.Context()).Subject,
		EnvironmentID: f.environment,
		Family:        f.family,
		Status:        f.status,
		Outcome:       f.outcome,
		Stale:         f.stale,
		Limit:         f.limit,
	}
	if f.cursor != "" {
		pos, err := a.cursors.decode(f.cursor, f.key(ws)) // a cursor is bound to its workspace and filters
		if err != nil {
			return err
		}
		req.After = &pos
	}
	list, err := a.app.ListRuns(r.Context(), req)
	if err != nil {
		return err
	}
	page := HubPage{Items: make([]Run, len(list.Runs))}
	if list.Next != nil {
		page.NextCursor = new(a.cursors.encode(*list.Next, f.key(ws)))
	}
	v := view{now: list.Now, canReconcile: list.CanReconcile}
	for i, run := range list.Runs {
		page.Items[i] = a.renderRun(run, v)
	}
	return writeJSON(w, http.StatusOK, &page)
}
