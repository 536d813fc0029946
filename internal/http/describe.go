package http

import (
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/wording"
)

// nextAction is what an operator can do about a run: reconcile a stale open
// run (when the viewer may), or look into why a run was blocked.
func nextAction(run Run, canReconcile bool) *NextAction {
	switch {
	case run.Status != string(domain.StatusCompleted) && run.Stale && canReconcile:
		return &NextAction{Label: wording.ReconcileLabel, Href: run.Links.Self + "/reconcile"}
	case run.Outcome == string(domain.OutcomeBlocked):
		code := ""
		if run.ReasonCode != nil {
			code = *run.ReasonCode
		}
		return &NextAction{Label: wording.BlockedLabel(code), Href: run.Links.Self + "?include=diagnostics"}
	default:
		return nil
	}
}
