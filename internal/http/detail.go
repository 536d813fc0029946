package http

import (
	"net/http"

	"github.com/runproof/runproof/internal/app"
)

// getRun godoc
//
//	@ID			getRun
//	@Summary		One run
//	@Description	Raw context and failures are included only with include=diagnostics. A run the caller may not see answers exactly like a run that does not exist.
//	@Tags			operations
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ws		path		int		true	"Workspace id"	minimum(1)	format(int64)
//	@Param			run		path		int		true	"Run id"	minimum(1)	format(int64)
//	@Param			include	query		string	false	"Add the raw context and failures"	Enums(diagnostics)
//	@Success		200		{object}	Run
//	@Failure		400		{object}	Problem	"Invalid id or include"
//	@Failure		401		{object}	Problem	"Missing or invalid bearer token"
//	@Header		401	{string}	WWW-Authenticate	"Bearer challenge"
//	@Failure		404		{object}	Problem	"No such run, or not visible to the caller"
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem	"The database is unavailable or did not answer in time"
//	@Header		503	{integer}	Retry-After	"Seconds to wait before retrying"
//	@Router			/workspaces/{ws}/operations/{run} [get]
func (a *api) getRun(w http.ResponseWriter, r *http.Request) error {
	ws, id, err := runPath(r)
	if err != nil {
		return err
	}
	q := newQueryReader(r)
	diagnostics := oneOf(q, "include", "diagnostics") == "diagnostics"
	if err := q.err(); err != nil {
		return err
	}
	d, err := a.app.GetRun(r.Context(), app.GetRunRequest{
		WorkspaceID: ws, RunID: id, Subject: identity(r.Context()).Subject, Diagnostics: diagnostics,
	})
	if err != nil {
		return err
	}
	out := a.renderRun(d.Run, view{now: d.Now, canReconcile: d.CanReconcile, diagnostics: diagnostics})
	return writeJSON(w, http.StatusOK, &out)
}
