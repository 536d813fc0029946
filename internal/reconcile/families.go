package reconcile

import (
	"slices"

	"github.com/runproof/runproof/internal/domain"
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
		info := FamilyInfo{Family: k.family, Name: k.name, Aliases: append([]string{}, domain.AliasesOf(k.family)...), Rules: slices.Clone(k.rules)}
		if r, ok := registry[k.family]; ok {
			info.Supported, info.Adapter = true, r.adapter.Version()
		}
		out = append(out, info)
	}
	return out
}

// FamilyName returns the operator name of a canonical family, e.g.
// "Inventory sync"; a type runproof does not know is shown as stored.
func FamilyName(canonical domain.Family) string {
	if name, ok := familyNames[canonical]; ok {
		return name
	}
	return string(canonical)
}

var familyNames = func() map[domain.Family]string {
	m := make(map[domain.Family]string, len(knownFamilies))
	for _, k := range knownFamilies {
		m[k.family] = k.name
	}
	return m
}()

// knownFamily is a family runproof knows by name: supported when the
// registry holds its adapter.
type knownFamily struct {
	family domain.Family
	name   string
	rules  []Rule
}

var unsupportedRules = []Rule{
	{notReconciledName, "No adapter decides this family from proof: family.unsupported; a reconcile request never finalizes it."},
	{string(domain.OutcomeFailed), "Once stale, the stale sweep closes the run as failed because no proof of completed work exists: run.stale."},
}

var knownFamilies = []knownFamily{
	{domain.FamilyInventorySync, "Inventory sync", []Rule{
		{notReconciledName, "Any inventory item last seen by the run outside its workspace or environment: proof.scope_mismatch."},
		{notReconciledName, "Succeeded types claim items but no item in scope was last seen by the run: proof.unverified."},
		{string(domain.OutcomeSucceeded), "Every attempted policy type succeeded."},
		{string(domain.OutcomePartiallySucceeded), "At least one attempted type succeeded and at least one failed, was skipped or blocked, or has no coverage entry."},
		{string(domain.OutcomeBlocked), "No type succeeded, and a blocked reason is set or every attempted type was skipped or blocked with a reason code."},
		{string(domain.OutcomeFailed), "No type succeeded and at least one attempted type failed."},
		{notReconciledName, "Anything else, such as no inventory progress or no attempted types: proof.missing."},
	}},
	{domain.FamilyBaselineCapture, "Baseline capture", []Rule{
		{notReconciledName, "A snapshot named by the run or recorded for it lies in another workspace or environment: proof.scope_mismatch."},
		{notReconciledName, "The run names no snapshot and two or more were recorded for it: proof.ambiguous."},
		{string(domain.OutcomeSucceeded), "A valid snapshot exists with 0 gaps and 0 metadata fallbacks."},
		{string(domain.OutcomePartiallySucceeded), "A valid snapshot exists with gaps or metadata fallbacks (gaps are the larger of the snapshot's and the run's count)."},
		{string(domain.OutcomeBlocked), "No valid snapshot and the run's eligibility is blocked."},
		{string(domain.OutcomeFailed), "No valid snapshot and the run reported failures."},
		{notReconciledName, "Anything else: proof.missing."},
	}},
	{domain.FamilyBackupScheduleExecute, "Scheduled backup", []Rule{
		{notReconciledName, "A backup set named by the run or recorded for it lies in another workspace or environment: proof.scope_mismatch."},
		{notReconciledName, "The run names no backup set and two or more were recorded for it: proof.ambiguous."},
		{string(domain.OutcomeSucceeded), "Every expected item was captured with its assignments, none failed, and the set expected items or completed."},
		{string(domain.OutcomePartiallySucceeded), "At least one item was captured, and items failed, fell short of the expected count or lack assignments."},
		{string(domain.OutcomeBlocked), "Nothing was captured and the schedule recorded a skip reason."},
		{string(domain.OutcomeFailed), "Nothing was captured, and items failed or the run reported failures."},
		{notReconciledName, "Anything else: proof.missing or proof.inconsistent."},
	}},
	{domain.FamilyPolicySync, "Policy sync", unsupportedRules},
	{domain.FamilyBackupSetUpdate, "Backup set update", unsupportedRules},
	{domain.FamilyRestoreExecute, "Restore", unsupportedRules},
	{domain.FamilyReviewPackGenerate, "Review pack", unsupportedRules},
}
