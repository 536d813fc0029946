package http

import (
	"context"

	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/repo"
)

// member returns the caller's membership of workspace ws, read on every
// request. A non-member and an unknown workspace both get errNotFound; a
// member whose role lacks capability gets errForbidden.
func (a *api) member(ctx context.Context, ws int64, capability authz.Capability) (repo.Member, error) {
	m, err := repo.MemberGet(ctx, a.db, ws, identity(ctx).Subject)
	if err != nil {
		return repo.Member{}, err
	}
	if err := authorize(m.Role, capability); err != nil {
		return repo.Member{}, err
	}
	return m, nil
}

// authorize is errForbidden unless role grants capability.
func authorize(role string, capability authz.Capability) error {
	if !authz.Role(role).Can(capability) {
		return errForbidden
	}
	return nil
}

// memberRun returns the caller's membership and the run p names (p.Subject
// is set to the caller) in one query. Every reason the run is hidden (not a member,
// unknown workspace, run of another workspace or of an ungranted environment,
// no such run) is the same errNotFound, decided before any proof is read;
// only a member who may see the run but whose role lacks capability gets
// errForbidden.
func (a *api) memberRun(ctx context.Context, p repo.RunGetForMemberParams, capability authz.Capability) (repo.Member, repo.RunView, error) {
	p.Subject = identity(ctx).Subject
	m, run, err := repo.RunGetForMember(ctx, a.db, p)
	if err != nil {
		return repo.Member{}, repo.RunView{}, err
	}
	if err := authorize(m.Role, capability); err != nil {
		return repo.Member{}, repo.RunView{}, err
	}
	return m, run, nil
}
