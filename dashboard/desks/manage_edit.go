package desks

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/internal/web"
	"hailong/survey"
)

// Edit forms and unit (de)activation on the desks page: the same
// validation, storage and audit as PATCH /api/v1/desks|units/{id}.

// editError re-renders the page with the problem; bad input on an edit
// form answers 422, nothing stored.
func (h *Handler) editError(c echo.Context, err error) error {
	status, msgID, args := web.Status(err)
	if status == http.StatusBadRequest {
		err = web.NewError(http.StatusUnprocessableEntity, msgID, err, args...)
	}
	return h.formError(c, err)
}

func splitFields(s string) []string {
	var fields []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			fields = append(fields, f)
		}
	}
	return fields
}

// pageEditDesk changes a desk's names, instrument, fields, QR mode and
// whether it takes answers.
func (h *Handler) pageEditDesk(c echo.Context) error {
	old, err := h.desk(c, c.Param("id"))
	if err != nil {
		return err
	}
	d := *old
	d.Name = strings.TrimSpace(c.FormValue("name"))
	d.NameEN = strings.TrimSpace(c.FormValue("name_en"))
	d.Instrument = c.FormValue("instrument")
	d.Fields = splitFields(c.FormValue("fields"))
	d.QRMode = c.FormValue("qr_mode")
	// The form always shows the checkbox: absent means unticked.
	d.Active = c.FormValue("active") != ""
	action := "desk.update"
	if old.Active && !d.Active {
		action = "desk.deactivate"
	}
	if _, err := h.writeDesk(c, old, &d, action); err != nil {
		return h.editError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/desks?ok=desk_updated")
}

func (h *Handler) pageUnit(c echo.Context) (*survey.Unit, error) {
	u, err := h.store.Unit(c.Request().Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	return u, nil
}

// pageEditUnit renames a unit or changes its address.
func (h *Handler) pageEditUnit(c echo.Context) error {
	old, err := h.pageUnit(c)
	if err != nil {
		return err
	}
	u := *old
	u.Name = strings.TrimSpace(c.FormValue("name"))
	u.NameEN = strings.TrimSpace(c.FormValue("name_en"))
	u.Address = strings.TrimSpace(c.FormValue("address"))
	if _, err := h.writeUnit(c, old, &u, "unit.update"); err != nil {
		return h.editError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/desks?ok=unit_updated")
}

// pageUnitActive is "Ngừng hoạt động" / "Hoạt động lại": an inactive
// unit's desks and portal show the "tạm ngừng" page; its past figures stay.
func (h *Handler) pageUnitActive(c echo.Context) error {
	old, err := h.pageUnit(c)
	if err != nil {
		return err
	}
	u := *old
	active := strings.HasSuffix(c.Path(), "/activate")
	u.Active = &active
	if _, err := h.writeUnit(c, old, &u, unitAction(old, &u)); err != nil {
		return h.formError(c, err)
	}
	if active {
		return c.Redirect(http.StatusSeeOther, "/desks?ok=unit_activate")
	}
	return c.Redirect(http.StatusSeeOther, "/desks?ok=unit_deactivate")
}

// FieldsText is the desk's fields as the edit form's text input takes them.
func (d DeskView) FieldsText() string { return strings.Join(d.Fields, ", ") }

// inactiveUnit reports whether id is a unit that no longer takes new work:
// no new desks or child units go under it.
func inactiveUnit(units []survey.Unit, id string) bool {
	for i := range units {
		if units[i].ID == id {
			return !units[i].IsActive()
		}
	}
	return false
}
