package exports

import (
	"context"
	"fmt"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/survey"
	"hailong/survey/period"
)

// UnitFinder finds the unit an export names and draws its subtree. A
// request asks its viewer (*auth.Viewer: a unit out of scope is NotFound,
// like an unknown one); the command line asks AllUnits.
type UnitFinder interface {
	Unit(ctx context.Context, id string) (*survey.Unit, error)
	Tree() []survey.Unit
}

// AllUnits is a whole unit tree as a UnitFinder: every unit is in scope.
type AllUnits []survey.Unit

// Unit returns the unit id, NotFound when the tree has none.
func (t AllUnits) Unit(_ context.Context, id string) (*survey.Unit, error) {
	for i := range t {
		if t[i].ID == id {
			return &t[i], nil
		}
	}
	return nil, fmt.Errorf("unit %q: %w", id, derrors.ErrNotFound)
}

// Tree is t itself.
func (t AllUnits) Tree() []survey.Unit { return t }

// FindInstrument returns the instrument id names: code@version, or a code
// for its latest version ("" is the counter survey). An unknown one is a
// 400 naming the instrument parameter.
func FindInstrument(set *survey.Instruments, id string) (*survey.Instrument, error) {
	if id == "" {
		id = "counter"
	}
	in, ok := set.Get(id)
	if !ok {
		in, ok = set.Latest(id)
	}
	if !ok {
		return nil, derrors.Param("err.param_instrument", id)
	}
	return in, nil
}

// ResolveScope is what one export covers: the month starting at month,
// the instrument (see FindInstrument) and the subtree of unit as units
// draws it ("": every unit). An unknown unit, or one units does not see,
// is a 404 naming the unit parameter. The HTTP handlers and "hailong
// export" both resolve their scope here.
func (x *Exporter) ResolveScope(ctx context.Context, units UnitFinder, month time.Time, instrument, unit string) (Scope, error) {
	in, err := FindInstrument(x.Instruments, instrument)
	if err != nil {
		return Scope{}, err
	}
	s := Scope{Month: month, Instrument: in}
	if unit == "" {
		return s, nil
	}
	u, err := units.Unit(ctx, unit)
	if err != nil {
		return Scope{}, auth.InScope(err, "err.param_unit", unit)
	}
	s.Unit, s.UnitName, s.Units = u.ID, u.Name, survey.Subtree(units.Tree(), u.ID)
	if len(s.Units) == 0 { // a unit newer than the tree
		s.Units = map[string]bool{u.ID: true}
	}
	return s, nil
}

// monthScope reads the month of /exports/:file…, checks every filter of
// the request over the viewer's scope (a bad one is refused as on every
// other page), and resolves the export's scope for the viewer.
func (h *Handler) monthScope(c echo.Context, month string) (Scope, error) {
	start, ok := period.ParseMonth(month)
	if !ok {
		return Scope{}, derrors.Param("err.param_month")
	}
	f, err := h.filters.Parse(c)
	if err != nil {
		return Scope{}, err
	}
	return h.exporter.ResolveScope(c.Request().Context(), auth.ViewerOf(c), start, f.Query.Instrument.ID(), f.Scope.Unit)
}
