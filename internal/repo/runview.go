package repo

import (
	"encoding/json"

	"github.com/runproof/runproof/internal/domain"
)

// RunView is a run as the API renders it: the row with context.reconciliation
// extracted by SQL, and the raw context and failures only when diagnostics
// were asked for, so that pages of runs never ship whole contexts.
type RunView struct {
	// Run has Context and Failures nil unless selected with diagnostics;
	// Initiator and UpdatedAt, which no response shows, stay unset.
	domain.Run
	// Reconciliation is context.reconciliation, nil when the run has none.
	Reconciliation json.RawMessage
}

// rawJSON returns the JSON text of a text column, nil for NULL.
func rawJSON(text *string) json.RawMessage {
	if text == nil {
		return nil
	}
	return json.RawMessage(*text)
}
