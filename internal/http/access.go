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
	if !authz.Role(m.Role).Can(capability) {
		return repo.Member{}, errForbidden
	}
	return m, nil
}

// memberRun returns the caller's membership and the run p names (p.Subject
// is the caller) in one query. Every reason the run is hidden (not a member,
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
	if !authz.Role(m.Role).Can(capability) {
		return repo.Member{}, repo.RunView{}, errForbidden
	}
	return m, run, nil
}
