package http

import (
	"net/http"

	"github.com/runproof/runproof/internal/app"
)

// ReconcileRequest is the optional body of POST .../reconcile.
type ReconcileRequest struct {
	// DryRun evaluates the run and never writes.
	DryRun bool `json:"dry_run,omitempty" example:"false"`
	// Note is recorded with a finalization (text without NUL characters).
	Note string `json:"note,omitempty" validate:"max=500,text" maxLength:"500" example:"Job host was restarted"`
} //@name ReconcileRequest

// ReconcileResponse is the run after the call and what was decided.
type ReconcileResponse struct {
	Run            Run               `json:"run"`
	Reconciliation ReconcileDecision `json:"reconciliation"`
} //@name ReconcileResponse

// ReconcileDecision is the decision of one reconcile call.
type ReconcileDecision struct {
	Decision string `json:"decision" enums:"finalized,not_reconciled,already_terminal,unsupported_family,not_stale" example:"finalized"`
	// Outcome is the outcome finalized (or, for already_terminal, the run's).
	Outcome     *string `json:"outcome" extensions:"x-nullable" enums:"succeeded,partially_succeeded,blocked,failed,cancelled" example:"partially_succeeded"`
	ReasonCode  string  `json:"reason_code" example:"inventory.partial_coverage"`
	Explanation string  `json:"explanation" example:"Inventory partly captured: 10 of 12 policy types succeeded; 2 failed (graph_throttled)."`
	Proof       Proof   `json:"proof"`
	// Links are the artifacts the decision relied on that the caller can open.
	Links []ArtifactLink `json:"links"`
	// Applied is true when this call finalized the run.
	Applied bool `json:"applied" example:"true"`
	DryRun  bool `json:"dry_run" example:"false"`
} //@name ReconcileDecision

// reconcileRun godoc
//
//	@ID			reconcileRun
//	@Summary		Reconcile a stale run from its proof
//	@Description	Applies only to stale runs (not_stale otherwise); a dry run always evaluates and never writes. Repeating the call is safe: a run finalized meanwhile reports already_terminal.
//	@Tags			operations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ws		path		int					true	"Workspace id"	minimum(1)	format(int64)
//	@Param			run		path		int					true	"Run id"	minimum(1)	format(int64)
//	@Param			body	body		ReconcileRequest	false	"Options (optional)"
//	@Success		200		{object}	ReconcileResponse
//	@Failure		400		{object}	Problem	"Invalid id or body"
//	@Failure		401		{object}	Problem	"Missing or invalid bearer token"
//	@Header		401	{string}	WWW-Authenticate	"Bearer challenge"
//	@Failure		403		{object}	Problem	"The caller's role may not reconcile"
//	@Failure		404		{object}	Problem	"No such run, or not visible to the caller"
//	@Failure		409		{object}	Problem	"The run kept changing; retry"
//	@Failure		413		{object}	Problem	"Body larger than 16 KiB"
//	@Failure		415		{object}	Problem	"Body is not application/json"
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem	"The database is unavailable or did not answer in time"
//	@Header		503	{integer}	Retry-After	"Seconds to wait before retrying"
//	@Router			/workspaces/{ws}/operations/{run}/reconcile [post]
func (a *api) reconcileRun(w http.ResponseWriter, r *http.Request) error {
	ws, id, err := runPath(r)
	if err != nil {
		return err
	}
	var body ReconcileRequest
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	res, err := a.app.Reconcile(r.Context(), app.ReconcileRequest{
		WorkspaceID: ws, RunID: id, Subject: identity(r.Context()).Subject, DryRun: body.DryRun, Note: body.Note,
	})
	if err != nil {
		return err
	}
	d := res.Decision
	var outcome *string
	if d.Outcome != nil {
		outcome = new(string(*d.Outcome))
	}
	proof, err := proofOf(d.Proof)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ReconcileResponse{
		Run: a.renderRun(res.Run, view{now: res.Now, canReconcile: true}),
		Reconciliation: ReconcileDecision{
			Decision: string(d.Kind), Outcome: outcome, ReasonCode: d.ReasonCode, Explanation: d.Explanation,
			Proof: proof, Links: artifactLinks(ws, res.Links), Applied: res.Applied, DryRun: res.DryRun,
		},
	})
}
