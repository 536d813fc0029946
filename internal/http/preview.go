package http

import (
	"net/http"
	"time"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/domain"
)

// SweepPreview is what a stale sweep would do now to the stale runs the
// caller sees.
type SweepPreview struct {
	// Considered counts the stale runs judged, at most 10,000.
	Considered int `json:"considered" example:"12"`
	// Truncated is true when the caller sees more stale runs than were
	// judged: those with the largest ids were left out.
	Truncated bool `json:"truncated" example:"false"`
	// JudgedAt is the instant the runs were judged stale at.
	JudgedAt time.Time `json:"judged_at" format:"date-time"`
	// Rows group the runs by family, decision, outcome and reason code, in
	// that order.
	Rows []PreviewRow `json:"rows"`
} //@name SweepPreview

// PreviewRow is the stale runs a sweep would settle alike.
type PreviewRow struct {
	// Family is the canonical family.
	Family string `json:"family" example:"backup.schedule.execute"`
	// Decision is the family's own decision, or unsupported_family; what it
	// did not finalize the sweep closes as failed.
	Decision string `json:"decision" enums:"finalized,not_reconciled,unsupported_family" example:"finalized"`
	// Outcome is the outcome the sweep would write.
	Outcome string `json:"outcome" enums:"succeeded,partially_succeeded,blocked,failed" example:"partially_succeeded"`
	// ReasonCode is the reason code the sweep would write.
	ReasonCode string `json:"reason_code" example:"backup.partial"`
	Count      int    `json:"count" example:"3"`
	// SampleRunIDs are the row's first runs by id, at most 5.
	SampleRunIDs []int64 `json:"sample_run_ids" format:"int64" example:"41,57,63"`
} //@name PreviewRow

// previewSweep godoc
//
//	@ID				previewSweep
//	@Summary		What a stale sweep would do now
//	@Description	Judges the stale runs the caller sees (at most 10,000, in id order; truncated says there were more) exactly as a sweep pass would, and answers how many would be settled per family, decision, outcome and reason code, with sample run ids. It writes nothing and takes no lock, so it never holds up jobs or sweepers. An environment the caller may not see answers exactly like a run that does not exist.
//	@Tags			reconciliation
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ws			path		int		true	"Workspace id"	minimum(1)	format(int64)
//	@Param			environment	query		int		false	"Only runs of this managed environment"	minimum(1)	format(int64)
//	@Param			type		query		string	false	"Only runs of this family (canonical type or an alias)"	maxlength(200)
//	@Success		200			{object}	SweepPreview
//	@Failure		400			{object}	Problem	"Invalid id or filter"
//	@Failure		401			{object}	Problem	"Missing or invalid bearer token"
//	@Header			401			{string}	WWW-Authenticate	"Bearer challenge"
//	@Failure		404			{object}	Problem	"Unknown workspace or environment, or not visible to the caller"
//	@Failure		500			{object}	Problem
//	@Router			/workspaces/{ws}/reconciliation/preview [get]
func (a *api) previewSweep(w http.ResponseWriter, r *http.Request) error {
	ids, err := pathIDs(r, "ws")
	if err != nil {
		return err
	}
	ws := ids[0]
	q := newQueryReader(r)
	req := app.PreviewRequest{WorkspaceID: ws, Subject: identity(r.Context()).Subject, EnvironmentID: q.id("environment")}
	if t := q.str("type"); len(t) > 200 {
		q.fail("type", "must be at most 200 characters")
	} else if t != "" {
		req.Family = domain.Canonical(t)
	}
	if err := q.err(); err != nil {
		return err
	}
	p, err := a.app.Preview(r.Context(), req)
	if err != nil {
		return err
	}
	out := SweepPreview{Considered: p.Considered, Truncated: p.Truncated, JudgedAt: p.Now.UTC(), Rows: make([]PreviewRow, len(p.Rows))}
	for i, row := range p.Rows {
		out.Rows[i] = PreviewRow{
			Family:       string(row.Family),
			Decision:     string(row.Decision),
			Outcome:      string(row.Outcome),
			ReasonCode:   row.ReasonCode,
			Count:        row.Count,
			SampleRunIDs: row.Samples,
		}
	}
	return writeJSON(w, http.StatusOK, out)
}
