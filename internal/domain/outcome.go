package domain

// Outcome is a run's outcome; OutcomePending while it is not completed.
type Outcome string

// The only outcomes a run can have.
const (
	OutcomePending            Outcome = "pending"
	OutcomeSucceeded          Outcome = "succeeded"
	OutcomePartiallySucceeded Outcome = "partially_succeeded"
	OutcomeBlocked            Outcome = "blocked"
	OutcomeFailed             Outcome = "failed"
	OutcomeCancelled          Outcome = "cancelled"
)

// Outcomes lists every outcome, pending first.
var Outcomes = []Outcome{OutcomePending, OutcomeSucceeded, OutcomePartiallySucceeded,
	OutcomeBlocked, OutcomeFailed, OutcomeCancelled}

// Terminal reports whether o is an outcome a completed run can have.
func (o Outcome) Terminal() bool {
	switch o {
	case OutcomeSucceeded, OutcomePartiallySucceeded, OutcomeBlocked, OutcomeFailed, OutcomeCancelled:
		return true
	default: // pending, or no outcome at all
		return false
	}
}

// Label is the operator-facing label of an outcome.
func (o Outcome) Label() string {
	switch o {
	case OutcomeSucceeded:
		return "Succeeded"
	case OutcomePartiallySucceeded:
		return "Partially succeeded"
	case OutcomeBlocked:
		return "Blocked"
	case OutcomeFailed:
		return "Failed"
	case OutcomeCancelled:
		return "Cancelled"
	default:
		return "Pending"
	}
}
