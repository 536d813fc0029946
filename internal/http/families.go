package http

import (
	"net/http"

	"github.com/runproof/runproof/internal/domain"
)

// Families lists every run family runproof knows and how it reconciles them.
type Families struct {
	Families []Family `json:"families"`
} //@name Families

// Family is one run family: its names, whether an adapter decides it from
// proof, its stale thresholds and its decision rules in the order checked.
type Family struct {
	// Family is the canonical type.
	Family string `json:"family" example:"inventory.sync"`
	// Name is what operators call the family.
	Name string `json:"name" example:"Inventory sync"`
	// Aliases are legacy type strings shown and decided as Family.
	Aliases   []string `json:"aliases" example:"inventory_sync,intune.inventory.sync"`
	Supported bool     `json:"supported" example:"true"`
	// Adapter is the versioned decider; null for unsupported families.
	Adapter *string `json:"adapter" extensions:"x-nullable" example:"inventory.sync/v1"`
	// StaleAfter are the thresholds past which an open run is stale.
	StaleAfter StaleAfter   `json:"stale_after"`
	Rules      []FamilyRule `json:"rules"`
	// ArtifactRoutes are the routes that open what the family's proof links
	// its runs to; empty for a family decided from no proof.
	ArtifactRoutes []ArtifactRoute `json:"artifact_routes"`
} //@name Family

// ArtifactRoute is a route opening what a run's related links name.
type ArtifactRoute struct {
	// Rel is the relation of the run's related links it opens.
	Rel string `json:"rel" enums:"baseline_snapshot,backup_set,inventory_items" example:"baseline_snapshot"`
	// Route is the route's template: {ws} is the workspace, {id} the
	// artifact's id and {run} the run's.
	Route string `json:"route" example:"/workspaces/{ws}/baseline-snapshots/{id}"`
} //@name ArtifactRoute

// StaleAfter gives the stale thresholds in seconds.
type StaleAfter struct {
	QueuedSeconds  int64 `json:"queued_seconds" example:"900"`
	RunningSeconds int64 `json:"running_seconds" example:"1800"`
} //@name StaleAfter

// FamilyRule is one decision rule: what it decides and, when it finalizes,
// the outcome.
type FamilyRule struct {
	// Decision is finalized for a rule that finalizes the run, not_reconciled
	// for one that leaves it open.
	Decision string `json:"decision" enums:"finalized,not_reconciled" example:"finalized"`
	// Outcome is the outcome the rule finalizes; null when it does not finalize.
	Outcome *string `json:"outcome" extensions:"x-nullable" enums:"succeeded,partially_succeeded,blocked,failed" example:"partially_succeeded"`
	Rule    string  `json:"rule" example:"At least one attempted type succeeded and at least one failed."`
} //@name FamilyRule

// listFamilies godoc
//
//	@ID				listFamilies
//	@Summary		Run families and their reconciliation rules
//	@Description	Every family runproof knows: operator name, legacy aliases, whether an adapter decides it from proof, the stale thresholds in force and the decision rules in the order they are checked.
//	@Tags			reconciliation
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ws	path		int	true	"Workspace id"	minimum(1)	format(int64)
//	@Success		200	{object}	Families
//	@Failure		400	{object}	Problem	"Invalid id"
//	@Failure		401	{object}	Problem	"Missing or invalid bearer token"
//	@Header			401	{string}	WWW-Authenticate	"Bearer challenge"
//	@Failure		404	{object}	Problem	"Unknown workspace or not a member"
//	@Failure		500	{object}	Problem
//	@Router			/workspaces/{ws}/reconciliation/families [get]
func (a *api) listFamilies(w http.ResponseWriter, r *http.Request) error {
	ws, err := pathID(r, "ws")
	if err != nil {
		return err
	}
	fams, err := a.app.Families(r.Context(), ws, identity(r.Context()).Subject)
	if err != nil {
		return err
	}
	out := Families{Families: make([]Family, len(fams))}
	for i, f := range fams {
		rules := make([]FamilyRule, len(f.Rules))
		for j, rule := range f.Rules {
			rules[j] = FamilyRule{Decision: string(domain.DecisionFinalized), Outcome: new(rule.Outcome), Rule: rule.Rule}
			if rule.Outcome == string(domain.DecisionNotReconciled) {
				rules[j].Decision, rules[j].Outcome = string(domain.DecisionNotReconciled), nil
			}
		}
		out.Families[i] = Family{
			Family:    string(f.Family),
			Name:      f.Name,
			Aliases:   f.Aliases,
			Supported: f.Supported,
			Adapter:   nonEmpty(f.Adapter),
			StaleAfter: StaleAfter{
				QueuedSeconds:  int64(f.QueuedAfter.Seconds()),
				RunningSeconds: int64(f.RunningAfter.Seconds()),
			},
			Rules:          rules,
			ArtifactRoutes: make([]ArtifactRoute, len(f.Links)),
		}
		for j, rel := range f.Links {
			out.Families[i].ArtifactRoutes[j] = ArtifactRoute{Rel: rel, Route: artifactRoutes[rel]}
		}
	}
	return writeJSON(w, http.StatusOK, out)
}
