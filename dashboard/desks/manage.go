package desks

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

func (h *Handler) apiUnits(c echo.Context) error {
	units, err := h.store.Units(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, auth.ViewerOf(c).VisibleUnits(units))
}

// unitPatch is a partial update; absent fields stay as they are.
type unitPatch struct {
	Name    *string `json:"name"`
	NameEN  *string `json:"name_en"`
	Parent  *string `json:"parent"`
	Kind    *string `json:"kind"`
	Address *string `json:"address"`
	// StaffCIDRs are the unit's own networks (answers from them are suspect).
	StaffCIDRs *[]string `json:"staff_cidrs"`
	// Active false closes the unit's desks and portal; past figures stay.
	Active *bool `json:"active"`
}

func (h *Handler) apiCreateUnit(c echo.Context) error {
	var u survey.Unit
	if err := web.DecodeJSON(c, &u); err != nil {
		return err
	}
	u.CreatedAt = h.now().UTC()
	return h.saveUnit(c, nil, &u, "unit.create")
}

func (h *Handler) apiPatchUnit(c echo.Context) error {
	ctx := c.Request().Context()
	old, err := h.store.Unit(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	var p unitPatch
	if err := web.DecodeJSON(c, &p); err != nil {
		return err
	}
	u := *old
	web.Patch(&u.Name, p.Name)
	web.Patch(&u.NameEN, p.NameEN)
	web.Patch(&u.Parent, p.Parent)
	web.Patch(&u.Kind, p.Kind)
	web.Patch(&u.Address, p.Address)
	web.Patch(&u.StaffCIDRs, p.StaffCIDRs)
	if p.Active != nil {
		u.Active = p.Active
	}
	action := unitAction(old, &u)
	return h.saveUnit(c, old, &u, action)
}

// unitAction names a unit change for the audit log.
func unitAction(old, u *survey.Unit) string {
	switch {
	case old.IsActive() && !u.IsActive():
		return "unit.deactivate"
	case !old.IsActive() && u.IsActive():
		return "unit.activate"
	case u.Parent != old.Parent:
		// Past figures do not move: rollup cells keep the unit they were
		// counted for, only the tree above it changes.
		return "unit.move"
	}
	return "unit.update"
}

// saveUnit validates and writes a new (old == nil) or changed unit, and
// audits it.
func (h *Handler) saveUnit(c echo.Context, old, u *survey.Unit, action string) error {
	status, err := h.writeUnit(c, old, u, action)
	if err != nil {
		return err
	}
	return c.JSON(status, u)
}

// writeUnit validates, writes and audits a unit; it returns 201 for a new
// one, 200 for a change.
func (h *Handler) writeUnit(c echo.Context, old, u *survey.Unit, action string) (int, error) {
	ctx := c.Request().Context()
	units, err := h.store.Units(ctx)
	if err != nil {
		return 0, err
	}
	// A validation error answers 400 naming its first field (derrors).
	if ve := survey.ValidateUnit(u, units); ve != nil {
		return 0, ve
	}
	if (old == nil || old.Parent != u.Parent) && inactiveUnit(units, u.Parent) {
		return 0, derrors.Param("err.unit_inactive", u.Parent)
	}
	status := http.StatusOK
	if old == nil {
		status = http.StatusCreated
		err = h.store.InsertUnit(ctx, u)
	} else {
		err = h.store.ReplaceUnit(ctx, u)
	}
	if errors.Is(err, derrors.ErrDuplicate) {
		return 0, derrors.New(derrors.ErrDuplicate, "err.exists", u.ID)
	}
	if err != nil {
		return 0, err
	}
	if err := h.audit.Log(ctx, auth.ViewerOf(c).User.Username, action, "unit:"+u.ID, old, u, h.now()); err != nil {
		return 0, err
	}
	return status, nil
}

// deskPatch is a partial update of a desk.
type deskPatch struct {
	Name       *string   `json:"name"`
	NameEN     *string   `json:"name_en"`
	Unit       *string   `json:"unit"`
	Instrument *string   `json:"instrument"`
	Fields     *[]string `json:"fields"`
	QRMode     *string   `json:"qr_mode"`
	Active     *bool     `json:"active"`
}

// deskInput is a new desk; Active defaults to true.
type deskInput struct {
	ID         string   `json:"id"`
	Unit       string   `json:"unit"`
	Name       string   `json:"name"`
	NameEN     string   `json:"name_en"`
	Instrument string   `json:"instrument"`
	Fields     []string `json:"fields"`
	QRMode     string   `json:"qr_mode"`
	Active     *bool    `json:"active"`
}

func (h *Handler) apiCreateDesk(c echo.Context) error {
	var in deskInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	d := survey.Desk{ID: in.ID, Unit: in.Unit, Name: in.Name, NameEN: in.NameEN, Instrument: in.Instrument,
		Fields: in.Fields, QRMode: in.QRMode, Active: in.Active == nil || *in.Active, Generation: 1, CreatedAt: h.now().UTC()}
	if d.Instrument == "" {
		d.Instrument = "counter"
	}
	if d.QRMode == "" {
		d.QRMode = survey.QRStatic
	}
	return h.saveDesk(c, nil, &d, "desk.create")
}

func (h *Handler) apiPatchDesk(c echo.Context) error {
	old, err := h.desk(c, c.Param("id"))
	if err != nil {
		return err
	}
	var p deskPatch
	if err := web.DecodeJSON(c, &p); err != nil {
		return err
	}
	d := *old
	web.Patch(&d.Name, p.Name)
	web.Patch(&d.NameEN, p.NameEN)
	web.Patch(&d.Unit, p.Unit)
	web.Patch(&d.Instrument, p.Instrument)
	web.Patch(&d.Fields, p.Fields)
	web.Patch(&d.QRMode, p.QRMode)
	web.Patch(&d.Active, p.Active)
	action := "desk.update"
	if old.Active && !d.Active {
		action = "desk.deactivate"
	}
	return h.saveDesk(c, old, &d, action)
}

// apiRotateDesk is "Đổi mã QR": the desk's code changes, old posters open
// a page asking to scan the new one, and registered devices are revoked.
func (h *Handler) apiRotateDesk(c echo.Context) error {
	old, err := h.desk(c, c.Param("id"))
	if err != nil {
		return err
	}
	d := *old
	d.Generation++
	d.DeviceEpoch++
	return h.saveDesk(c, old, &d, "desk.rotate")
}

func (h *Handler) saveDesk(c echo.Context, old, d *survey.Desk, action string) error {
	status, err := h.writeDesk(c, old, d, action)
	if err != nil {
		return err
	}
	// The unit's name as GET /api/v1/desks gives it; a failed read only
	// leaves it empty, as the desk is saved already.
	names := map[string]string{}
	if u, err := h.store.Unit(c.Request().Context(), d.Unit); err == nil {
		names[u.ID] = u.Name
	}
	return c.JSON(status, h.deskView(d, names))
}

// writeDesk validates, writes and audits a desk; it returns 201 for a new
// one, 200 for a change.
func (h *Handler) writeDesk(c echo.Context, old, d *survey.Desk, action string) (int, error) {
	ctx := c.Request().Context()
	units, err := h.store.Units(ctx)
	if err != nil {
		return 0, err
	}
	if ve := survey.ValidateDesk(d, units, h.instruments); ve != nil {
		return 0, ve
	}
	if (old == nil || old.Unit != d.Unit) && inactiveUnit(units, d.Unit) {
		return 0, derrors.Param("err.unit_inactive", d.Unit)
	}
	status := http.StatusOK
	if old == nil {
		status = http.StatusCreated
		err = h.store.InsertDesk(ctx, d)
	} else {
		err = h.store.ReplaceDesk(ctx, d)
	}
	if errors.Is(err, derrors.ErrDuplicate) {
		return 0, derrors.New(derrors.ErrDuplicate, "err.exists", d.ID)
	}
	if err != nil {
		return 0, err
	}
	if err := h.audit.Log(ctx, auth.ViewerOf(c).User.Username, action, "desk:"+d.ID, old, d, h.now()); err != nil {
		return 0, err
	}
	return status, nil
}
