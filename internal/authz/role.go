package authz

// Role is a workspace member's role.
type Role string

// The workspace roles (CONTRACT §6).
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
