package desks

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

// registerDevice turns the browser an official is using into a desk's
// kiosk tablet or citizen-facing display: it receives a signed device
// cookie (revoked when the desk's QR is rotated) and is sent to its page.
// The official's session on it ends there: the device faces the public,
// and must not stay signed in to the officials' pages. Unit managers may
// register the desks of their own scope (h.desk answers 404 for others).
func (h *Handler) registerDevice(c echo.Context) error {
	d, err := h.desk(c, c.Param("id"))
	if err != nil {
		return err
	}
	kind := c.FormValue("kind")
	var next string
	switch kind {
	case survey.DeviceKiosk:
		next = "/k/" + d.ID
	case survey.DeviceDisplay:
		next = "/desk/" + d.ID + "/display"
	default:
		return derrors.Param("err.param_enum", "kind", "kiosk, display")
	}
	c.SetCookie(&http.Cookie{Name: survey.DeviceCookie, Value: survey.DeviceToken(h.codes, d, kind, h.now()),
		Path: "/", MaxAge: 400 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: web.IsHTTPS(c)})
	if err := h.audit.Log(c.Request().Context(), auth.ViewerOf(c).User.Username, "device.register", "desk:"+d.ID, nil, map[string]string{"kind": kind}, h.now()); err != nil {
		return err
	}
	if err := h.gate.SignOut(c); err != nil {
		// The device cookie is set; do not leave a signed-in device.
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}
