package domain

import "errors"

// ErrNotFound is returned for a thing that does not exist or that the caller
// may not see: the two are never told apart.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a run kept changing under its decision on
// every attempt; the caller may retry.
var ErrConflict = errors.New("run kept changing while it was being reconciled")
