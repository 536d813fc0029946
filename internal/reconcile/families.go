package reconcile

import (
	"slices"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/wording"
)

// FamilyInfo describes a run family for GET /reconciliation/families. The
// caller adds the running stale threshold (domain.Staleness.RunningAfter).
type FamilyInfo struct {
	// Family is the canonical type.
	Family domain.Family `json:"family"`
	// Name is what operators call it, e.g. "Inventory sync".
	Name string `json:"name"`
	// Aliases are the legacy type strings normalized to Family.
	Aliases []string `json:"aliases"`
	// Supported: an adapter decides the family from proof.
	Supported bool `json:"supported"`
	// Adapter is the adapter's version, "" when unsupported.
	Adapter string `json:"adapter"`
	// Rules are the decision rules in the order they are checked.
	Rules []Rule `json:"rules"`
}

// Rule is one decision rule: the outcome it leads to (or not_reconciled)
// and an operator sentence.
type Rule struct {
	Outcome string `json:"outcome"`
	Rule    string `json:"rule"`
}

const notReconciledName = string(domain.DecisionNotReconciled)

// Families lists the supported families and the named unsupported ones with
// their rules (docs/contract.md, sections 3 and 4), for the families
// endpoint. It returns fresh slices on every call; it never fails.
func Families() []FamilyInfo {
	out := make([]FamilyInfo, 0, len(knownFamilies))
	for _, k := range knownFamilies {
		info := FamilyInfo{Family: k.family, Name: wording.FamilyName(k.family), Aliases: append([]string{}, domain.AliasesOf(k.family)...), Rules: slices.Clone(k.rules)}
		if r, ok := registry[k.family]; ok {
			info.Supported, info.Adapter = true, r.adapter.Version()
		}
		out = append(out, info)
	}
	return out
}

// knownFamily is a family runproof knows by name: supported when the
// registry holds its adapter.
type knownFamily struct {
	family domain.Family
	rules  []Rule
}

var unsupportedRules = []Rule{
	{notReconciledName, "Runs of this family are not checked against recorded proof, so a reconcile request never closes them (reason code family.unsupported)."},
	{string(domain.OutcomeFailed), "Once stale, the stale sweep closes the run as failed, since no proof of completed work exists (reason code run.stale)."},
}

var knownFamilies = []knownFamily{
	{domain.FamilyInventorySync, []Rule{
		{notReconciledName, "An inventory item last seen by the run lies in another workspace or environment (reason code proof.scope_mismatch)."},
		{notReconciledName, "Succeeded policy types claim items, but no item in the run's scope was last seen by it (reason code proof.unverified)."},
		{string(domain.OutcomeSucceeded), "Every attempted policy type succeeded."},
		{string(domain.OutcomePartiallySucceeded), "At least one attempted policy type succeeded, and at least one failed, was skipped or blocked, or was never reached."},
		{string(domain.OutcomeBlocked), "No policy type succeeded, and the run gave a blocked reason or every attempted type was skipped or blocked with a reason code."},
		{string(domain.OutcomeFailed), "No policy type succeeded and at least one attempted type failed."},
		{notReconciledName, "Anything else, such as no inventory progress or no attempted policy types (reason code proof.missing)."},
	}},
	{domain.FamilyBaselineCapture, []Rule{
		{notReconciledName, "A snapshot named by the run or recorded for it lies in another workspace or environment (reason code proof.scope_mismatch)."},
		{notReconciledName, "The run names no snapshot and two or more were recorded for it (reason code proof.ambiguous)."},
		{string(domain.OutcomeSucceeded), "A valid snapshot exists with 0 gaps and 0 metadata fallbacks."},
		{string(domain.OutcomePartiallySucceeded), "A valid snapshot exists with gaps or metadata fallbacks (gaps are the larger of the snapshot's and the run's count)."},
		{string(domain.OutcomeBlocked), "No valid snapshot exists and the capture was blocked as not eligible."},
		{string(domain.OutcomeFailed), "No valid snapshot exists and the run reported failures."},
		{notReconciledName, "Anything else (reason code proof.missing)."},
	}},
	{domain.FamilyBackupScheduleExecute, []Rule{
		{notReconciledName, "A backup set named by the run or recorded for it lies in another workspace or environment (reason code proof.scope_mismatch)."},
		{notReconciledName, "The run names no backup set and two or more were recorded for it (reason code proof.ambiguous)."},
		{string(domain.OutcomeSucceeded), "Every expected item was captured with its assignments, none failed, and the set expected items or completed."},
		{string(domain.OutcomePartiallySucceeded), "At least one item was captured, and items failed, fell short of the expected count or lack assignments."},
		{string(domain.OutcomeBlocked), "Nothing was captured and the schedule recorded a skip reason."},
		{string(domain.OutcomeFailed), "Nothing was captured, and items failed or the run reported failures."},
		{notReconciledName, "Anything else (reason code proof.missing, or proof.inconsistent when more items were captured than expected)."},
	}},
	{domain.FamilyPolicySync, unsupportedRules},
	{domain.FamilyBackupSetUpdate, unsupportedRules},
	{domain.FamilyRestoreExecute, unsupportedRules},
	{domain.FamilyReviewPackGenerate, unsupportedRules},
}
