package reconcile

import "github.com/runproof/runproof/internal/domain"

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

// Adapter versions recorded as context.reconciliation.adapter.
const (
	adapterInventory = string(domain.FamilyInventorySync) + "/v1"
	adapterBaseline  = string(domain.FamilyBaselineCapture) + "/v1"
	adapterBackup    = string(domain.FamilyBackupScheduleExecute) + "/v1"
	adapterGeneric   = "generic/v1"
)

func finalized(o domain.Outcome, reason, explanation string, proof map[string]any, links []domain.Link, summary map[string]int64) domain.Decision {
	return domain.Decision{Kind: domain.DecisionFinalized, Outcome: &o, ReasonCode: reason, Explanation: explanation,
		Proof: nonNilProof(proof), Links: nonNilLinks(links), Summary: summary}
}

func notReconciled(reason, explanation string, proof map[string]any, links []domain.Link) domain.Decision {
	return domain.Decision{Kind: domain.DecisionNotReconciled, ReasonCode: reason, Explanation: explanation,
		Proof: nonNilProof(proof), Links: nonNilLinks(links)}
}

// nonNilLinks keeps "links" a JSON array.
func nonNilLinks(links []domain.Link) []domain.Link {
	if links == nil {
		return []domain.Link{}
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
