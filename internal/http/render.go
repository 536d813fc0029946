package http

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// view is what rendering a run depends on besides the row itself.
type view struct {
	now time.Time
	// canReconcile: the viewer's role may reconcile, so stale runs offer it.
	canReconcile bool
	diagnostics  bool // include the raw context and failures
}

// recorded is the part of context.reconciliation the rendering reads.
type recorded struct {
	Explanation string        `json:"explanation"`
	ReasonCode  string        `json:"reason_code"`
	Links       []RelatedLink `json:"links"`
}

// renderRun shows run as v's viewer sees it at v.now.
func (a *api) renderRun(run repo.RunView, v view) Run {
	self := runHref(run.WorkspaceID, run.ID)
	out := Run{
		ID:              run.ID,
		WorkspaceID:     run.WorkspaceID,
		Type:            reconcile.Canonical(run.Type),
		Status:          run.Status,
		Outcome:         run.Outcome,
		OutcomeLabel:    reconcile.Outcome(run.Outcome).Label(),
		Stale:           a.staleness.IsStale(run.Run, v.now),
		Links:           RunLinks{Self: self, Related: []RelatedLink{}},
		CreatedAt:       run.CreatedAt.UTC(),
		StartedAt:       utc(run.StartedAt),
		LastHeartbeatAt: utc(run.LastHeartbeatAt),
		CompletedAt:     utc(run.CompletedAt),
	}
	if run.EnvironmentID != nil && run.EnvironmentName != nil {
		out.Environment = &Environment{ID: *run.EnvironmentID, Name: *run.EnvironmentName}
	}
	if rec := readReconciliation(run.Reconciliation); rec != nil {
		out.Reconciliation = run.Reconciliation
		out.Explanation = nonEmpty(rec.Explanation)
		out.ReasonCode = nonEmpty(rec.ReasonCode)
		out.Links.Related = append(out.Links.Related, rec.Links...)
	}
	if out.Explanation == nil && out.Stale {
		out.Explanation = new(staleExplanation(run.Run, a.staleness, v.now))
	}
	out.Summary = summary(run.Run, out.Type, v.now)
	out.NextAction = nextAction(out, self, v.canReconcile)
	if v.diagnostics {
		out.Context = run.Context
		out.Failures = run.Failures
	}
	return out
}

// readReconciliation reads context.reconciliation; nil when the run has none
// (or it is not an object, or does not decode).
func readReconciliation(raw json.RawMessage) *recorded {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	rec, ok := plainRecorded(raw)
	if !ok {
		rec = recorded{}
		if json.Unmarshal(raw, &rec) != nil {
			return nil
		}
	}
	return &rec
}

// viewOf is the view of a run read whole, as the reconciler returns it.
func viewOf(run repo.Run) repo.RunView {
	var c struct {
		Reconciliation json.RawMessage `json:"reconciliation"`
	}
	_ = json.Unmarshal(run.Context, &c) // a context that is not an object has no reconciliation
	v := repo.RunView{Run: run, Reconciliation: c.Reconciliation}
	v.Context, v.Failures = nil, nil
	return v
}

func runHref(ws, id int64) string {
	var buf [64]byte // one allocation, the string
	b := strconv.AppendInt(append(buf[:0], "/workspaces/"...), ws, 10)
	return string(strconv.AppendInt(append(b, "/operations/"...), id, 10))
}

// utc shows t in UTC. It converts in place: the rendered row is not used again.
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
