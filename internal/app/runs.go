package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// RunView is a run as the use cases return it for display.
type RunView struct {
	// Run is the run. From the hub and the detail, Context and Failures are
	// set only with diagnostics, and Initiator and UpdatedAt never; from a
	// reconcile, the run is whole.
	domain.Run
	// Reconciliation is context.reconciliation as runproof wrote it, nil
	// when the run has none.
	Reconciliation json.RawMessage
	// Stale: the run is open and past its threshold.
	Stale bool
	// Related are the artifacts the run's decision record links that the
	// reader can open now, in the record's order, then for an inventory run
	// whose record counted observed items a RelInventoryItems link whose ID
	// is the run's own.
	Related []domain.Link
}

// view is run, read whole, as a RunView judged at now.
func (a *App) view(run domain.Run, now time.Time) RunView {
	var c struct {
		Reconciliation json.RawMessage `json:"reconciliation"`
	}
	_ = json.Unmarshal(run.Context, &c) // a context that is not an object has no reconciliation
	return RunView{Run: run, Reconciliation: c.Reconciliation, Stale: a.staleness.IsStale(run, now)}
}

// Position is a place in the hub's order (created_at DESC, id DESC): the
// run a page ended with.
type Position struct {
	CreatedAt time.Time
	ID        int64
}

// ListRunsRequest asks for one page of the hub: the runs of workspace
// WorkspaceID that member Subject may see, newest first. Zero-valued
// filters do not filter.
type ListRunsRequest struct {
	WorkspaceID   int64
	Subject       string
	EnvironmentID *int64
	// Family matches runs stored under the family's name or an alias.
	Family  domain.Family
	Status  domain.Status
	Outcome domain.Outcome
	Stale   *bool
	// After continues a listing after the run it names.
	After *Position
	// Limit is the page size, at least 1.
	Limit int
}

// RunList is one page of the hub.
type RunList struct {
	Runs []RunView
	// Next is where the next page starts; nil on the last page.
	Next *Position
	// CanReconcile: the member's role may reconcile.
	CanReconcile bool
	// Now is when the runs were judged stale or not.
	Now time.Time
}

// ListRuns reads one page of the hub for a member who may view the
// workspace; a non-member and an unknown workspace both get
// domain.ErrNotFound. A member with environment grants sees the runs of
// those environments only.
func (a *App) ListRuns(ctx context.Context, req ListRunsRequest) (RunList, error) {
	limit := max(req.Limit, 1)
	now := a.now()
	p := repo.RunListParams{
		WorkspaceID:   req.WorkspaceID,
		Subject:       req.Subject,
		EnvironmentID: req.EnvironmentID,
		Family:        req.Family,
		Status:        req.Status,
		Outcome:       req.Outcome,
		Stale:         req.Stale,
		Thresholds:    a.thresholds,
		Now:           now,
		Limit:         limit + 1, // one more tells whether a next page exists
	}
	if req.After != nil {
		p.After = &repo.RunPosition{CreatedAt: req.After.CreatedAt, ID: req.After.ID}
	}
	var page repo.RunPage
	m, err := repo.RunListForMember(ctx, a.pool, p, &page)
	if err != nil {
		return RunList{}, err
	}
	role := authz.Role(m.Role)
	if err := role.Require(authz.CapView); err != nil {
		return RunList{}, err
	}
	runs := page.Runs
	out := RunList{CanReconcile: role.Can(authz.CapReconcile), Now: now}
	if len(runs) > limit {
		runs = runs[:limit]
		last := runs[limit-1]
		out.Next = &Position{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	out.Runs = make([]RunView, len(runs))
	for i, r := range runs {
		out.Runs[i] = RunView{Run: r.Run, Reconciliation: r.Reconciliation, Stale: a.staleness.IsStale(r.Run, now)}
	}
	if _, err := a.relate(ctx, req.WorkspaceID, req.Subject, out.Runs, nil); err != nil {
		return RunList{}, err
	}
	return out, nil
}

// GetRunRequest asks for run RunID of workspace WorkspaceID as member
// Subject sees it.
type GetRunRequest struct {
	WorkspaceID int64
	RunID       int64
	Subject     string
	// Diagnostics also returns the raw context and failures.
	Diagnostics bool
}

// RunDetail is one run as a member sees it.
type RunDetail struct {
	Run RunView
	// CanReconcile: the member's role may reconcile.
	CanReconcile bool
	// Now is when the run was judged stale or not.
	Now time.Time
}

// GetRun reads one run for a member who may view it. Every reason the run
// is hidden (not a member, unknown workspace, a run of another workspace or
// of an environment not granted, no such run) is domain.ErrNotFound alike.
func (a *App) GetRun(ctx context.Context, req GetRunRequest) (RunDetail, error) {
	m, run, err := repo.RunGetForMember(ctx, a.pool, repo.RunGetForMemberParams{
		WorkspaceID: req.WorkspaceID, Subject: req.Subject, RunID: req.RunID, Diagnostics: req.Diagnostics,
	})
	if err != nil {
		return RunDetail{}, err
	}
	role := authz.Role(m.Role)
	if err := role.Require(authz.CapView); err != nil {
		return RunDetail{}, err
	}
	now := a.now()
	views := []RunView{{Run: run.Run, Reconciliation: run.Reconciliation, Stale: a.staleness.IsStale(run.Run, now)}}
	if _, err := a.relate(ctx, req.WorkspaceID, req.Subject, views, nil); err != nil {
		return RunDetail{}, err
	}
	return RunDetail{Run: views[0], CanReconcile: role.Can(authz.CapReconcile), Now: now}, nil
}
