package http

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/repo"
)

// view is what rendering a run depends on besides the row itself.
type view struct {
	now time.Time
	// canReconcile: the viewer's role may reconcile, so stale runs offer it.
	canReconcile bool
	diagnostics  bool // include the raw context and failures
	// page, when set, is shared by the runs of one page to save allocations.
	page *pageRender
}

// pageRender is what the rendered runs of one page share: their hrefs and
// summaries are cut from one growing builder (strings.Builder never changes
// bytes it has handed out), and each distinct environment is one value. A
// page then costs a few allocations for these instead of three a run.
type pageRender struct {
	text strings.Builder
	envs []*Environment
}

// reset readies p for the next page; the previous page's runs must no longer
// be in use. The builder starts a new buffer, so their strings stay intact.
func (p *pageRender) reset() {
	p.text.Reset()
	clear(p.envs)
	p.envs = p.envs[:0]
}

// str returns b as a string, cut from the page's builder when there is one.
func (v view) str(b []byte) string {
	if v.page == nil {
		return string(b)
	}
	start := v.page.text.Len()
	v.page.text.Write(b)
	return v.page.text.String()[start:]
}

// environment returns the run's environment, shared with the page's other
// runs of it when there is a page.
func (v view) environment(id int64, name string) *Environment {
	if v.page == nil {
		return &Environment{ID: id, Name: name}
	}
	for _, e := range v.page.envs {
		if e.ID == id && e.Name == name {
			return e
		}
	}
	e := &Environment{ID: id, Name: name}
	if len(v.page.envs) < 16 { // pages show few environments; past that, searching costs more
		v.page.envs = append(v.page.envs, e)
	}
	return e
}

// renderRun shows run as v's viewer sees it at v.now.
func (a *api) renderRun(run repo.RunView, v view) Run {
	var buf [128]byte
	self := v.str(appendRunHref(buf[:0], run.WorkspaceID, run.ID))
	out := Run{
		ID:              run.ID,
		WorkspaceID:     run.WorkspaceID,
		Type:            string(run.Family()),
		Status:          string(run.Status),
		Outcome:         string(run.Outcome),
		OutcomeLabel:    run.Outcome.Label(),
		Stale:           a.staleness.IsStale(run.Run, v.now),
		Links:           RunLinks{Self: self, Related: []RelatedLink{}},
		CreatedAt:       run.CreatedAt.UTC(),
		StartedAt:       utc(run.StartedAt),
		LastHeartbeatAt: utc(run.LastHeartbeatAt),
		CompletedAt:     utc(run.CompletedAt),
	}
	if run.EnvironmentID != nil && run.EnvironmentName != nil {
		out.Environment = v.environment(*run.EnvironmentID, *run.EnvironmentName)
	}
	if rec := readRecord(run.Reconciliation); rec != nil {
		out.Reconciliation = rec
		out.Explanation = nonEmpty(rec.Explanation)
		out.ReasonCode = nonEmpty(rec.ReasonCode)
		out.Links.Related = append(out.Links.Related, rec.Links...)
	}
	if out.Explanation == nil && out.Stale {
		out.Explanation = new(staleExplanation(run.Run, a.staleness, v.now))
	}
	out.Summary = v.str(appendSummary(buf[:0], run.Run, v.now))
	out.NextAction = nextAction(out, v)
	if v.diagnostics {
		out.Context = run.Context
		out.Failures = failuresOf(run.Failures)
	}
	return out
}

// viewOf is the view of a run read whole, as the reconciler returns it.
func viewOf(run domain.Run) repo.RunView {
	var c struct {
		Reconciliation json.RawMessage `json:"reconciliation"`
	}
	_ = json.Unmarshal(run.Context, &c) // a context that is not an object has no reconciliation
	// renderRun shows the context and failures only with diagnostics.
	return repo.RunView{Run: run, Reconciliation: c.Reconciliation}
}

func appendRunHref(b []byte, ws, id int64) []byte {
	b = strconv.AppendInt(append(b, "/workspaces/"...), ws, 10)
	return strconv.AppendInt(append(b, "/operations/"...), id, 10)
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
