package http

import (
	"encoding/json"
	"time"
)

// Run is one operation run as the API shows it.
type Run struct {
	ID          int64        `json:"id" format:"int64" example:"5"`
	WorkspaceID int64        `json:"workspace_id" format:"int64" example:"1"`
	Environment *Environment `json:"environment" extensions:"x-nullable"`
	// Type is the canonical family; legacy aliases are shown normalized.
	Type         string `json:"type" example:"inventory.sync"`
	Status       string `json:"status" enums:"queued,running,completed" example:"running"`
	Outcome      string `json:"outcome" enums:"pending,succeeded,partially_succeeded,blocked,failed,cancelled" example:"pending"`
	OutcomeLabel string `json:"outcome_label" enums:"Pending,Succeeded,Partially succeeded,Blocked,Failed,Cancelled" example:"Pending"`
	// Stale is true for an open run past its family's threshold.
	Stale bool `json:"stale" example:"true"`
	// Summary is one line: family, state and counts or last sign of life.
	Summary string `json:"summary" example:"Inventory sync · running · last heartbeat 2 h ago"`
	// Explanation is a calm operator sentence; null while nothing is known.
	Explanation *string `json:"explanation" extensions:"x-nullable" example:"No heartbeat for 2 h (allowed: 30 min). The run looks stale and can be reconciled."`
	// ReasonCode is the dotted reason of the reconciliation, if any.
	ReasonCode *string     `json:"reason_code" extensions:"x-nullable" example:"inventory.partial_coverage"`
	NextAction *NextAction `json:"next_action" extensions:"x-nullable"`
	Links      RunLinks    `json:"links"`
	CreatedAt  time.Time   `json:"created_at" format:"date-time"`
	StartedAt  *time.Time  `json:"started_at" format:"date-time" extensions:"x-nullable"`
	// LastHeartbeatAt is the job's last sign of life.
	LastHeartbeatAt *time.Time `json:"last_heartbeat_at" format:"date-time" extensions:"x-nullable"`
	CompletedAt     *time.Time `json:"completed_at" format:"date-time" extensions:"x-nullable"`
	// Reconciliation is the decision record runproof stored when it
	// finalized the run; null for a run it did not finalize.
	Reconciliation *DecisionRecord `json:"reconciliation" extensions:"x-nullable"`
	// Context is the run's context as its job wrote it, with runproof's
	// reconciliation key; only with include=diagnostics. It stays free-form:
	// each family's job records its own progress keys there, and runproof
	// reads them leniently (docs/contract.md).
	Context json.RawMessage `json:"context,omitempty" swaggertype:"object" extensions:"x-free-form"`
	// Failures is the run's failures list; only with include=diagnostics.
	Failures *[]Failure `json:"failures,omitempty"`
} //@name Run

// Environment is the managed environment (tenant) a run belongs to.
type Environment struct {
	ID   int64  `json:"id" format:"int64" example:"2"`
	Name string `json:"name" example:"Contoso Production"`
} //@name Environment

// NextAction is what an operator can do next about a run.
type NextAction struct {
	Label string `json:"label" example:"Reconcile"`
	Href  string `json:"href" example:"/workspaces/1/operations/5/reconcile"`
} //@name NextAction

// RunLinks are the run's own URL and the related artifacts in its scope.
type RunLinks struct {
	Self string `json:"self" example:"/workspaces/1/operations/5"`
	// Related are the artifacts the run's reconciliation relied on, then,
	// for an inventory run whose reconciliation counted observed items,
	// the listing of those items; only what the caller can open.
	Related []RelatedLink `json:"related"`
} //@name RunLinks

// RelatedLink leads from a run to proof it relates to: an artifact its
// reconciliation relied on, or the inventory items it observed.
type RelatedLink struct {
	Rel string `json:"rel" enums:"baseline_snapshot,backup_set,inventory_items" example:"baseline_snapshot"`
	// ID is the artifact's id; absent for inventory_items, a listing.
	ID *int64 `json:"id,omitempty" format:"int64" example:"91"`
	// Href opens it.
	Href string `json:"href" example:"/workspaces/1/baseline-snapshots/91"`
} //@name RelatedLink

// ArtifactLink names an artifact a decision relied on, in the run's scope.
type ArtifactLink struct {
	Rel string `json:"rel" enums:"baseline_snapshot,backup_set" example:"backup_set"`
	ID  int64  `json:"id" format:"int64" example:"2"`
	// Href opens the artifact.
	Href string `json:"href" example:"/workspaces/1/backup-sets/2"`
} //@name ArtifactLink
