package http

import (
	"strconv"
	"time"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/wording"
)

// view is what rendering a run depends on besides the run itself.
type view struct {
	// now is when the run was judged stale or not.
	now time.Time
	// canReconcile: the viewer's role may reconcile, so stale runs offer it.
	canReconcile bool
	diagnostics  bool // include the raw context and failures
}

// renderRun shows run as v's viewer sees it at v.now.
func (a *api) renderRun(run app.RunView, v view) Run {
	out := Run{
		ID:              run.ID,
		WorkspaceID:     run.WorkspaceID,
		Type:            string(run.Family()),
		Status:          string(run.Status),
		Outcome:         string(run.Outcome),
		OutcomeLabel:    run.Outcome.Label(),
		Stale:           run.Stale,
		Links:           RunLinks{Self: runHref(run.WorkspaceID, run.ID), Related: relatedLinks(run.WorkspaceID, run.Related)},
		CreatedAt:       run.CreatedAt.UTC(),
		StartedAt:       utc(run.StartedAt),
		LastHeartbeatAt: utc(run.LastHeartbeatAt),
		CompletedAt:     utc(run.CompletedAt),
	}
	if run.EnvironmentID != nil && run.EnvironmentName != nil {
		out.Environment = &Environment{ID: *run.EnvironmentID, Name: *run.EnvironmentName}
	}
	if rec := readRecord(run.Reconciliation); rec != nil {
		out.Reconciliation = rec
		out.Explanation = nonEmpty(rec.Explanation)
		out.ReasonCode = nonEmpty(rec.ReasonCode)
		rec.Links = artifactLinks(run.WorkspaceID, run.Related) // those the record names that the caller can open
	}
	if out.Explanation == nil && out.Stale {
		out.Explanation = new(wording.StaleExplanation(run.Run, a.staleness, v.now))
	}
	out.Summary = wording.Summary(run.Run, v.now)
	out.NextAction = nextAction(out, v.canReconcile)
	if v.diagnostics {
		out.Context = run.Context
		out.Failures = failuresOf(run.Failures)
	}
	return out
}

func runHref(ws, id int64) string {
	return "/workspaces/" + strconv.FormatInt(ws, 10) + "/operations/" + strconv.FormatInt(id, 10)
}

// utc shows t in UTC. It converts in place: the run is rendered once.
func utc(t *time.Time) *time.Time {
	if t != nil {
		*t = t.UTC()
	}
	return t
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
