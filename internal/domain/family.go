package domain

import "sort"

// Family is a canonical run type, such as "inventory.sync". Legacy aliases
// never form families of their own: Canonical maps them first.
type Family string

// Families that have a proof adapter.
const (
	FamilyInventorySync         Family = "inventory.sync"
	FamilyBaselineCapture       Family = "baseline.capture"
	FamilyBackupScheduleExecute Family = "backup.schedule.execute"
)

// Families known by name that have no adapter: they are never decided from
// proof, only closed by the stale sweep's generic path.
const (
	FamilyPolicySync         Family = "policy.sync"
	FamilyBackupSetUpdate    Family = "backup_set.update"
	FamilyRestoreExecute     Family = "restore.execute"
	FamilyReviewPackGenerate Family = "review_pack.generate"
)

// aliases maps legacy type strings to their canonical family.
var aliases = map[string]Family{
	"inventory_sync":          FamilyInventorySync,
	"intune.inventory.sync":   FamilyInventorySync,
	"baseline_capture":        FamilyBaselineCapture,
	"intune.baseline.capture": FamilyBaselineCapture,
	"backup_schedule_run":     FamilyBackupScheduleExecute,
	"backup.schedule.run":     FamilyBackupScheduleExecute,
}

// Canonical returns the family of a run type; a type that is no alias is its
// own family, so an unknown family stays visible under its own name.
func Canonical(runType string) Family {
	if c, ok := aliases[runType]; ok {
		return c
	}
	return Family(runType)
}

// AliasesOf returns the legacy aliases of family f, sorted.
func AliasesOf(f Family) []string {
	var out []string
	for alias, c := range aliases {
		if c == f {
			out = append(out, alias)
		}
	}
	sort.Strings(out)
	return out
}
