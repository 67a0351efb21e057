package desks

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

// The desks page manages units and desks through plain forms; the same
// validation, storage and audit as the JSON API (writeUnit, writeDesk).

type homeView struct {
	Desks []DeskView
	Units []survey.Unit
	// ActiveUnits feed the pickers for new work: an inactive unit gets no
	// new desks, children or tokens.
	ActiveUnits []survey.Unit
	Instruments []string
	Admin       bool
	// Supervisor: admin or unit manager, who may register a desk's device.
	Supervisor bool
	// Tokens are the API tokens of the official's scope; NewToken the
	// secret of one just created, shown this once.
	Tokens   []auth.APIToken
	NewToken string
	Message  string
	Error    string
	Form     url.Values
}

func (h *Handler) home(c echo.Context) error {
	return h.renderDesks(c, http.StatusOK, c.QueryParam("ok"), "", nil)
}

func (h *Handler) renderDesks(c echo.Context, status int, okID, errMsg string, form url.Values) error {
	desks, err := h.deskViews(c)
	if err != nil {
		return err
	}
	viewer := auth.ViewerOf(c)
	v := homeView{Desks: desks, Admin: viewer.User.Role == auth.RoleAdmin, Supervisor: viewer.User.Supervises(), Error: errMsg, Form: form}
	v.Units = viewer.VisibleUnits(viewer.Tree())
	for _, u := range v.Units {
		if u.IsActive() {
			v.ActiveUnits = append(v.ActiveUnits, u)
		}
	}
	if v.Supervisor && h.tokens != nil {
		if v.Tokens, err = h.scopedTokens(c); err != nil {
			return err
		}
		v.NewToken, _ = c.Get(ctxNewToken).(string)
	}
	for _, id := range h.instruments.IDs() {
		code, _, _ := strings.Cut(id, "@")
		if !slices.Contains(v.Instruments, code) {
			v.Instruments = append(v.Instruments, code)
		}
	}
	if okID != "" && h.catalog.Has("manage.ok."+okID) {
		v.Message = h.catalog.T(web.Lang(c), "manage.ok."+okID)
	}
	return web.RenderPage(c, status, "home", web.NewPage(c, "title.home", v))
}

// formError re-renders the desks page with the official's input kept and
// the problem explained.
func (h *Handler) formError(c echo.Context, err error) error {
	status, msgID, args := web.Status(err)
	if status >= 500 {
		return err
	}
	form, _ := c.FormParams()
	return h.renderDesks(c, status, "", h.catalog.T(web.Lang(c), msgID, args...), form)
}

func (h *Handler) pageCreateDesk(c echo.Context) error {
	var fields []string
	for _, f := range strings.Split(c.FormValue("fields"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			fields = append(fields, f)
		}
	}
	d := survey.Desk{ID: strings.TrimSpace(c.FormValue("id")), Unit: c.FormValue("unit"), Name: strings.TrimSpace(c.FormValue("name")),
		Instrument: c.FormValue("instrument"), Fields: fields, QRMode: c.FormValue("qr_mode"), Active: true, Generation: 1, CreatedAt: h.now().UTC()}
	if _, err := h.writeDesk(c, nil, &d, "desk.create"); err != nil {
		return h.formError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/desks?ok=desk_created")
}

// pageDeskAction is "Đổi mã QR", pause and resume from the desks page.
func (h *Handler) pageDeskAction(c echo.Context) error {
	old, err := h.desk(c, c.Param("id"))
	if err != nil {
		return err
	}
	d := *old
	action := c.Param("action")
	switch action {
	case "rotate":
		d.Generation++
		d.DeviceEpoch++
	case "pause":
		d.Active = false
	case "resume":
		d.Active = true
	default:
		return derrors.ErrNotFound
	}
	if _, err := h.writeDesk(c, old, &d, "desk."+action); err != nil {
		return h.formError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/desks?ok=desk_"+action)
}

func (h *Handler) pageCreateUnit(c echo.Context) error {
	u := survey.Unit{ID: strings.TrimSpace(c.FormValue("id")), Name: strings.TrimSpace(c.FormValue("name")),
		Parent: c.FormValue("parent"), Kind: c.FormValue("kind"), CreatedAt: h.now().UTC()}
	if _, err := h.writeUnit(c, nil, &u, "unit.create"); err != nil {
		return h.formError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/desks?ok=unit_created")
}

// pageMoveUnit puts a unit under another parent; its past figures stay.
func (h *Handler) pageMoveUnit(c echo.Context) error {
	old, err := h.store.Unit(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	u := *old
	u.Parent = c.FormValue("parent")
	if _, err := h.writeUnit(c, old, &u, "unit.move"); err != nil {
		return h.formError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/desks?ok=unit_moved")
}
