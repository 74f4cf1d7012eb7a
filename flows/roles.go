package flows

import "context"

// Roles is where organizer roles are granted; store.Store is one.
type Roles interface {
	OrganizerRole(ctx context.Context, user int64) (Role, error)
}

// role is the user's role, looked up afresh on every update, so a revoked organizer loses access at
// once and a forged button cannot borrow one.
func (t *turn) role() Role {
	if t.app.SuperAdmins[t.in.UserID] {
		return Role{Organizer: true, Super: true}
	}
	if t.app.Roles == nil {
		return Role{}
	}
	r, err := t.app.Roles.OrganizerRole(t.ctx, t.in.UserID)
	if err != nil {
		t.fail(err)
		return Role{}
	}
	return r
}
