package reconcile

import (
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof"
)

// Adapter decides the terminal outcome of one family's runs from loaded
// proof. It is pure: it never writes and never fails; proof it cannot use
// yields a not_reconciled decision.
type Adapter interface {
	// Family is the canonical family, e.g. "inventory.sync".
	Family() domain.Family
	// Version names the rules, e.g. "inventory.sync/v1"; it is recorded
	// with every finalization.
	Version() string
	// Decide returns finalized (with an outcome) or not_reconciled.
	Decide(run domain.Run, p proof.Proof) domain.Decision
}

// registered is a supported family: its adapter and the proof it reads.
type registered struct {
	adapter Adapter
	kind    proof.Kind
}

// registry holds the supported families by canonical name.
var registry = func() map[domain.Family]registered {
	m := map[domain.Family]registered{}
	for _, r := range []registered{
		{inventoryAdapter{}, proof.KindInventory},
		{baselineAdapter{}, proof.KindBaseline},
		{backupAdapter{}, proof.KindBackup},
	} {
		m[r.adapter.Family()] = r
	}
	return m
}()
