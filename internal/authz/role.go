package authz

import "errors"

// Role is a workspace member's role.
type Role string

// The workspace roles: readonly members view, the others also reconcile
// (README.md, HTTP API).
const (
	RoleOwner    Role = "owner"
	RoleManager  Role = "manager"
	RoleOperator Role = "operator"
	RoleReadonly Role = "readonly"
)

// Capability is something a route needs the caller's role to allow.
type Capability string

// The capabilities routes ask for.
const (
	CapView      Capability = "view"
	CapReconcile Capability = "reconcile"
)

var capabilities = map[Role]map[Capability]bool{
	RoleOwner:    {CapView: true, CapReconcile: true},
	RoleManager:  {CapView: true, CapReconcile: true},
	RoleOperator: {CapView: true, CapReconcile: true},
	RoleReadonly: {CapView: true},
}

// Can reports whether role grants c; unknown roles grant nothing.
func (r Role) Can(c Capability) bool {
	return capabilities[r][c]
}

// ErrForbidden is returned when a member's role does not grant what a use
// case needs.
var ErrForbidden = errors.New("role does not allow this")

// Require returns ErrForbidden unless role r grants c.
func (r Role) Require(c Capability) error {
	if !r.Can(c) {
		return ErrForbidden
	}
	return nil
}
