package auth

import (
	"context"
	"errors"
	"fmt"

	"hailong/internal/derrors"
	"hailong/survey"
)

// Viewer is who a request is made for: a signed-in official, or an API
// token standing in for one, with the units they may see. The sign-in
// middleware resolves it once per request; pages, API, exports, streams,
// suspects, paper forms and tokens ask it, and nothing else, whether a unit
// or desk is in scope.
//
// The rule: an administrator sees every unit; any other account sees the
// subtree of its unit, or every unit when it names none (a city-wide
// viewer). Unit managers and operators always name a unit (CheckAccount).
// Out of scope answers exactly as "does not exist" (404), so a scope
// cannot be probed.
type Viewer struct {
	User  *User
	tree  []survey.Unit
	units map[string]bool // nil: every unit
	store *survey.Store
}

// NewViewer resolves u's scope in the unit tree. store reads desks.
func NewViewer(u *User, tree []survey.Unit, store *survey.Store) *Viewer {
	v := &Viewer{User: u, tree: tree, store: store}
	if u.Role != RoleAdmin && u.Unit != "" {
		v.units = survey.Subtree(tree, u.Unit)
	}
	return v
}

// All reports whether the viewer sees every unit.
func (v *Viewer) All() bool { return v.units == nil }

// Units is the set of unit ids in scope, nil meaning every unit. Callers
// filter lists with SeesUnit; Units is for queries over a subtree.
func (v *Viewer) Units() map[string]bool { return v.units }

// Home is the unit a scoped viewer's pages open on ("" for a city-wide one).
func (v *Viewer) Home() string {
	if v.units == nil {
		return ""
	}
	return v.User.Unit
}

// Tree is the unit tree as read for this request (every unit, in and out
// of scope: names of the units a figure mentions).
func (v *Viewer) Tree() []survey.Unit { return v.tree }

// SeesUnit reports whether the unit is in scope: the question to filter
// lists with. Whether an id names a unit at all is Unit's question.
func (v *Viewer) SeesUnit(id string) bool { return v.units == nil || v.units[id] }

// Unit returns the unit when it exists and is in scope, else NotFound.
// The tree is a few seconds old at most; a unit newer than it is read
// from the store for a city-wide viewer (a scoped viewer's subtree was
// drawn from the tree, so the newcomer is out of it until the next read).
func (v *Viewer) Unit(ctx context.Context, id string) (*survey.Unit, error) {
	if !v.SeesUnit(id) {
		return nil, fmt.Errorf("unit %q: %w", id, derrors.ErrNotFound)
	}
	for i := range v.tree {
		if v.tree[i].ID == id {
			return &v.tree[i], nil
		}
	}
	if v.units != nil {
		return nil, fmt.Errorf("unit %q: %w", id, derrors.ErrNotFound)
	}
	return v.store.Unit(ctx, id)
}

// VisibleUnits keeps the units in scope, in their order.
func (v *Viewer) VisibleUnits(units []survey.Unit) []survey.Unit {
	out := make([]survey.Unit, 0, len(units))
	for _, u := range units {
		if v.SeesUnit(u.ID) {
			out = append(out, u)
		}
	}
	return out
}

// SeesDesk reports whether the desk's unit is in scope.
func (v *Viewer) SeesDesk(d *survey.Desk) bool { return d != nil && v.SeesUnit(d.Unit) }

// Desk reads the desk when it exists and is in scope, else NotFound.
func (v *Viewer) Desk(ctx context.Context, id string) (*survey.Desk, error) {
	d, err := v.store.Desk(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.SeesDesk(d) {
		return nil, fmt.Errorf("desk %q: %w", id, derrors.ErrNotFound)
	}
	return d, nil
}

// InScope turns NotFound into a 404 whose message names what was asked
// for (msgID with id): an unknown id and one out of scope read alike.
func InScope(err error, msgID, id string) error {
	if errors.Is(err, derrors.ErrNotFound) {
		return derrors.New(derrors.ErrNotFound, msgID, id)
	}
	return err
}

type viewerKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer ctx carries, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}
