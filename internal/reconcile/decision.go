package reconcile

import "github.com/runproof/runproof/internal/repo"

// DecisionKind says what reconciling a run concluded.
type DecisionKind string

// Decision kinds (CONTRACT §4). Adapters return finalized or not_reconciled;
// the others come from the caller's checks.
const (
	DecisionFinalized         DecisionKind = "finalized"
	DecisionNotReconciled     DecisionKind = "not_reconciled"
	DecisionAlreadyTerminal   DecisionKind = "already_terminal"
	DecisionUnsupportedFamily DecisionKind = "unsupported_family"
	DecisionNotStale          DecisionKind = "not_stale"
)

// Reason codes of decisions: family.outcome for finalizations, proof.* for
// proof that cannot support one, run.* and family.* from the caller's side.
const (
	ReasonInventoryComplete    = "inventory.complete"
	ReasonInventoryPartial     = "inventory.partial_coverage"
	ReasonInventoryBlocked     = "inventory.blocked"
	ReasonInventoryFailed      = "inventory.failed"
	ReasonBaselineCaptured     = "baseline.captured"
	ReasonBaselineGaps         = "baseline.gaps"
	ReasonBaselineMetaFallback = "baseline.meta_fallback"
	ReasonBaselineBlocked      = "baseline.blocked"
	ReasonBaselineFailed       = "baseline.failed"
	ReasonBackupComplete       = "backup.complete"
	ReasonBackupPartial        = "backup.partial"
	ReasonBackupSkipped        = "backup.skipped"
	ReasonBackupFailed         = "backup.failed"
	ReasonScopeMismatch        = "proof.scope_mismatch"
	ReasonAmbiguous            = "proof.ambiguous"
	ReasonMissing              = "proof.missing"
	ReasonUnverified           = "proof.unverified"
	ReasonInconsistent         = "proof.inconsistent"
	ReasonStale                = "run.stale"
	ReasonAlreadyTerminal      = "run.already_terminal"
	ReasonNotStale             = "run.not_stale"
	ReasonUnsupported          = "family.unsupported"
)

// Decision is what runproof concluded about one run, with the reason, an
// operator sentence and the proof behind it. It is a value: deciding never
// writes; only FinalizeBatch (and Reconcile through it) does.
type Decision struct {
	Kind DecisionKind `json:"decision"`
	// Outcome is set when Kind is finalized (the outcome to write) and when
	// it is already_terminal (the run's outcome); nil otherwise.
	Outcome *Outcome `json:"outcome"`
	// ReasonCode is dotted, e.g. inventory.partial_coverage or proof.ambiguous.
	ReasonCode string `json:"reason_code"`
	// Explanation is one calm operator sentence with the figures; it never
	// holds raw JSON or error text.
	Explanation string `json:"explanation"`
	// Proof holds the counts and ids the decision used.
	Proof map[string]any `json:"proof"`
	// Links name the related artifacts in the run's scope.
	Links []Link `json:"links"`

	// Adapter is the versioned decider, recorded as context.reconciliation.adapter.
	Adapter string `json:"-"`
	// Summary is what a finalization merges into summary_counts.
	Summary map[string]int64 `json:"-"`
}

// Link names a related artifact in the run's scope, e.g. {"backup_set", 55};
// it is stored as is in context.reconciliation.links.
type Link = repo.ArtifactLink

// Link relations.
const (
	RelBaselineSnapshot = "baseline_snapshot"
	RelBackupSet        = "backup_set"
)

// Source says who asked for a finalization, recorded as context.reconciliation.source.
type Source string

// Sources of finalizations.
const (
	SourceManual Source = "manual"
	SourceSweep  Source = "sweep"
)

// Adapter versions recorded as context.reconciliation.adapter.
const (
	adapterInventory = FamilyInventorySync + "/v1"
	adapterBaseline  = FamilyBaselineCapture + "/v1"
	adapterBackup    = FamilyBackupScheduleExecute + "/v1"
	adapterGeneric   = "generic/v1"
)

func finalized(o Outcome, reason, explanation string, proof map[string]any, links []Link, summary map[string]int64) Decision {
	return Decision{Kind: DecisionFinalized, Outcome: &o, ReasonCode: reason, Explanation: explanation,
		Proof: nonNilProof(proof), Links: nonNilLinks(links), Summary: summary}
}

func notReconciled(reason, explanation string, proof map[string]any, links []Link) Decision {
	return Decision{Kind: DecisionNotReconciled, ReasonCode: reason, Explanation: explanation,
		Proof: nonNilProof(proof), Links: nonNilLinks(links)}
}

// nonNilLinks keeps "links" a JSON array.
func nonNilLinks(links []Link) []Link {
	if links == nil {
		return []Link{}
	}
	return links
}

// nonNilProof keeps "proof" a JSON object: every decision carries one.
func nonNilProof(proof map[string]any) map[string]any {
	if proof == nil {
		return map[string]any{}
	}
	return proof
}
