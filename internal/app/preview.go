package app

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/reconcile"
	"github.com/runproof/runproof/internal/repo"
)

// PreviewMaxRuns is how many stale runs one preview judges at most.
const PreviewMaxRuns = 10_000

// previewSamples is how many run ids a preview row names.
const previewSamples = 5

// PreviewRequest asks what a sweep would do now to the stale runs of
// workspace WorkspaceID that member Subject sees. Zero-valued filters do
// not filter.
type PreviewRequest struct {
	WorkspaceID   int64
	Subject       string
	EnvironmentID *int64
	// Family matches runs stored under the family's name or an alias.
	Family domain.Family
}

// PreviewRow is the stale runs a sweep would settle alike: the run's
// family, the decision taken of it (the family's own, or
// unsupported_family) and the outcome written, as the sweep counts them,
// and the reason code written.
type PreviewRow struct {
	DecisionKey
	ReasonCode string
	Count      int
	// Samples are the row's first run ids (at most 5), in id order.
	Samples []int64
}

// Preview is what a sweep would do now.
type Preview struct {
	// Considered counts the stale runs judged.
	Considered int
	// Truncated: the member sees more than PreviewMaxRuns stale runs; those
	// with the largest ids were not judged.
	Truncated bool
	// Rows are in family, decision, outcome and reason code order.
	Rows []PreviewRow
	// Now is when the runs were judged stale.
	Now time.Time
}

// Preview answers what a sweep pass would write now to the stale runs the
// member sees (at most PreviewMaxRuns, in id order), writing nothing and
// taking no lock: it reads in a read-only transaction, without FOR UPDATE,
// as a dry-run sweep does, so it never holds up a job, a sweeper or a
// reconcile, nor waits for them. Each run takes the sweep's path exactly:
// Decide, then reconcile.StalePath for what its adapter did not finalize.
// A non-member, an unknown workspace and an environment the member may not
// see (another workspace's, not granted, unknown) are domain.ErrNotFound
// alike, decided before any run is read.
func (a *App) Preview(ctx context.Context, req PreviewRequest) (Preview, error) {
	out := Preview{Now: a.now()}
	err := repo.InTx(ctx, a.pool, true, func(tx repo.DBTX) error {
		m, err := repo.MemberScopeGet(ctx, tx, repo.MemberScopeParams{
			WorkspaceID: req.WorkspaceID, Subject: req.Subject, EnvironmentID: req.EnvironmentID,
		})
		if err != nil {
			return err
		}
		if err := authz.Role(m.Role).Require(authz.CapView); err != nil {
			return err
		}
		runs, err := repo.RunReadStaleForMember(ctx, tx, repo.RunReadStaleForMemberParams{
			WorkspaceID:   req.WorkspaceID,
			Subject:       req.Subject,
			EnvironmentID: req.EnvironmentID,
			Family:        req.Family,
			Thresholds:    a.thresholds,
			Now:           out.Now,
			Limit:         PreviewMaxRuns + 1, // one more tells whether there were more
		})
		if err != nil {
			return err
		}
		if len(runs) > PreviewMaxRuns {
			runs, out.Truncated = runs[:PreviewMaxRuns], true
		}
		out.Considered = len(runs)
		if a.afterPreviewRead != nil {
			a.afterPreviewRead(ctx, runs)
		}
		rows := map[previewKey]*PreviewRow{}
		// Proof is loaded a sweep batch at a time, as the sweep loads it.
		for chunk := range slices.Chunk(runs, a.batchSize) {
			decisions, err := Decide(ctx, tx, chunk...)
			if err != nil {
				return err
			}
			for i, run := range chunk {
				final := reconcile.StalePath(decisions[i], run)
				k := previewKey{DecisionKey{Family: run.Family(), Decision: decisions[i].Kind, Outcome: *final.Outcome}, final.ReasonCode}
				row := rows[k]
				if row == nil {
					row = &PreviewRow{DecisionKey: k.DecisionKey, ReasonCode: k.reason}
					rows[k] = row
				}
				row.Count++
				if len(row.Samples) < previewSamples {
					row.Samples = append(row.Samples, run.ID)
				}
			}
		}
		out.Rows = make([]PreviewRow, 0, len(rows))
		for _, row := range rows {
			out.Rows = append(out.Rows, *row)
		}
		slices.SortFunc(out.Rows, func(x, y PreviewRow) int {
			return cmp.Or(cmp.Compare(x.Family, y.Family), cmp.Compare(x.Decision, y.Decision),
				cmp.Compare(x.Outcome, y.Outcome), cmp.Compare(x.ReasonCode, y.ReasonCode))
		})
		return nil
	})
	if err != nil {
		return Preview{}, err
	}
	return out, nil
}

// previewKey is a preview row's key.
type previewKey struct {
	DecisionKey
	reason string
}
