package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

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
	Tokens   []APIToken
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
	ctx := c.Request().Context()
	units, err := h.store.UnitsRecent(ctx)
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	allowed := h.scope(c, units)
	v := homeView{Desks: desks, Admin: currentUser(c).Role == RoleAdmin, Supervisor: currentUser(c).supervises(), Error: errMsg, Form: form}
	for _, u := range units {
		if allowed == nil || allowed[u.ID] {
			v.Units = append(v.Units, u)
			if u.IsActive() {
				v.ActiveUnits = append(v.ActiveUnits, u)
			}
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
		if !oneOf(code, v.Instruments...) {
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
	var we *web.Error
	if !errors.As(err, &we) || we.Status >= 500 {
		return err
	}
	form, _ := c.FormParams()
	return h.renderDesks(c, we.Status, "", h.catalog.T(web.Lang(c), we.MsgID, we.Args...), form)
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
		return web.NewError(http.StatusNotFound, "err.404", nil)
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
	if errors.Is(err, derrors.NotFound) {
		return web.NewError(http.StatusNotFound, "err.404", nil)
	}
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	u := *old
	u.Parent = c.FormValue("parent")
	if _, err := h.writeUnit(c, old, &u, "unit.move"); err != nil {
		return h.formError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/desks?ok=unit_moved")
}
