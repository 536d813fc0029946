package domain

import "time"

// DecisionKind says what reconciling a run concluded.
type DecisionKind string

// Decision kinds. Adapters return finalized or not_reconciled; the others
// come from the caller's checks before an adapter is asked.
const (
	DecisionFinalized         DecisionKind = "finalized"
	DecisionNotReconciled     DecisionKind = "not_reconciled"
	DecisionAlreadyTerminal   DecisionKind = "already_terminal"
	DecisionUnsupportedFamily DecisionKind = "unsupported_family"
	DecisionNotStale          DecisionKind = "not_stale"
)

// Decision is what runproof concluded about one run, with the reason, an
// operator sentence and the proof behind it. It is a value: deciding never
// writes.
type Decision struct {
	Kind DecisionKind
	// Outcome is set when Kind is finalized (the outcome to write) and when
	// it is already_terminal (the run's outcome); nil otherwise.
	Outcome *Outcome
	// ReasonCode is dotted, e.g. inventory.partial_coverage or proof.ambiguous.
	ReasonCode string
	// Explanation is one calm operator sentence with the figures; it never
	// holds raw JSON or error text written by jobs.
	Explanation string
	// Proof holds the counts and ids the decision used.
	Proof map[string]any
	// Links name the related artifacts in the run's scope.
	Links []Link
	// Adapter is the versioned decider, e.g. "inventory.sync/v1".
	Adapter string
	// Summary is what a finalization merges into summary_counts.
	Summary map[string]int64
}

// Finalizes reports whether d completes its run: finalized with a terminal outcome.
func (d Decision) Finalizes() bool {
	return d.Kind == DecisionFinalized && d.Outcome != nil && d.Outcome.Terminal()
}

// Link names a related artifact in a run's scope, e.g. {"backup_set", 55}.
type Link struct {
	Rel string `json:"rel"`
	ID  int64  `json:"id"`
}

// Link relations.
const (
	RelBaselineSnapshot = "baseline_snapshot"
	RelBackupSet        = "backup_set"
)

// Source says who asked for a finalization.
type Source string

// Sources of finalizations.
const (
	SourceManual Source = "manual"
	SourceSweep  Source = "sweep"
)

// Reconciliation is the decision record runproof stores in a run's
// context.reconciliation when it finalizes the run, in the same statement
// (docs/contract.md describes it for readers of the context).
type Reconciliation struct {
	Decision       DecisionKind   `json:"decision"`
	Outcome        Outcome        `json:"outcome"`
	ReasonCode     string         `json:"reason_code"`
	Explanation    string         `json:"explanation"`
	Proof          map[string]any `json:"proof"`
	Links          []Link         `json:"links"`
	Source         Source         `json:"source"`
	Actor          string         `json:"actor"`
	Adapter        string         `json:"adapter"`
	PreviousStatus Status         `json:"previous_status"`
	ReconciledAt   time.Time      `json:"reconciled_at"`
	Note           string         `json:"note,omitempty"`
}
