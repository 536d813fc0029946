// Package reconcile holds runproof's rules for deciding a run's outcome from
// its proof: the family registry, one adapter per supported family, the
// caller's decisions (already_terminal, unsupported_family, not_stale), the
// sweep's generic stale path, and the families' rules as the API lists them.
// It is pure: it reads and writes nothing and never fails; loading the proof
// and writing decisions is internal/app's job, through internal/repo.
package reconcile
