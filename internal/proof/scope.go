package proof

import "github.com/runproof/runproof/internal/domain"

// Scope is where a run lives: its workspace and environment. Only proof in
// the same scope may support a decision.
type Scope struct {
	WorkspaceID   int64
	EnvironmentID *int64
}

// ScopeOf returns the scope of run.
func ScopeOf(run domain.Run) Scope {
	return Scope{WorkspaceID: run.WorkspaceID, EnvironmentID: run.EnvironmentID}
}

// Contains reports whether an artifact of workspace ws and environment env
// lies in s. Artifacts always have an environment, so a run without one
// contains none: its proof can only fail closed.
func (s Scope) Contains(ws, env int64) bool {
	return s.WorkspaceID == ws && s.EnvironmentID != nil && *s.EnvironmentID == env
}
