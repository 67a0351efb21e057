package desks

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/qr"
	"hailong/survey"
)

type displayView struct {
	Unit, Desk string
	QR         template.URL
	ShortURL   string
	// Refresh is the seconds until the next code; Self the page's path.
	Refresh int
	Self    string
}

// display is the screen facing the citizen on a desk in rotating mode: a
// QR code that changes every minute, so a photo posted online stops
// working within two. Only a registered display may open it.
func (h *Handler) display(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := h.desk(c, c.Param("id"))
	if err != nil {
		return err
	}
	if !survey.DeviceAllowed(c, h.codes, d, survey.DeviceDisplay) {
		return derrors.New(derrors.ErrForbidden, "err.kiosk_unregistered")
	}
	u, err := h.store.Unit(ctx, d.Unit)
	if err != nil {
		return err
	}
	now := h.now()
	code := h.codes.DeskCode(d.ID, d.Generation)
	if d.QRMode == survey.QRRotating {
		code = h.codes.DeskCodeAt(d.ID, d.Generation, survey.RotationWindow(now))
	}
	url := h.links.SurveyCode(code)
	svg, err := qr.SVG(url)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := web.NewPage(c, "title.display", displayView{
		Unit: u.DisplayName(lang), Desk: d.DisplayName(lang),
		QR:       template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg)),
		ShortURL: strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://"),
		// Refresh just after the next window starts (display.js; a meta
		// refresh only without JavaScript, as it dies on one failed load).
		Refresh: 61 - now.Second(), Self: "/desk/" + d.ID + "/display",
	})
	p.BodyClass = "kiosk display"
	return web.RenderPage(c, http.StatusOK, "display", p)
}
