package desks

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/survey"
)

// DeskView is a desk as officials see it, with its full survey URL.
type DeskView struct {
	ID         string   `json:"id"`
	Unit       string   `json:"unit"`
	UnitName   string   `json:"unit_name"`
	Name       string   `json:"name"`
	NameEN     string   `json:"name_en,omitempty"`
	Instrument string   `json:"instrument"`
	Fields     []string `json:"fields,omitempty"`
	QRMode     string   `json:"qr_mode"`
	Active     bool     `json:"active"`
	SurveyURL  string   `json:"survey_url"`
	// QRVersion versions the page's QR download links (see qrVersion).
	QRVersion string `json:"-"`
}

// deskViews lists the desks in the viewer's scope.
func (h *Handler) deskViews(c echo.Context) ([]DeskView, error) {
	ctx := c.Request().Context()
	v := auth.ViewerOf(c)
	names := map[string]string{}
	for _, u := range v.Tree() {
		names[u.ID] = u.Name
	}
	desks, err := h.store.Desks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]DeskView, 0, len(desks))
	for i := range desks {
		if v.SeesDesk(&desks[i]) {
			out = append(out, h.deskView(&desks[i], names))
		}
	}
	return out, nil
}

// deskView is d as officials see it; names maps unit ids to names (nil:
// leave the unit name empty).
func (h *Handler) deskView(d *survey.Desk, names map[string]string) DeskView {
	mode := d.QRMode
	if mode == "" {
		mode = survey.QRStatic
	}
	return DeskView{
		ID: d.ID, Unit: d.Unit, UnitName: names[d.Unit], Name: d.Name, NameEN: d.NameEN, Instrument: d.Instrument,
		Fields: d.Fields, QRMode: mode, Active: d.Active,
		SurveyURL: h.links.Survey(d),
		QRVersion: h.qrVersion(d),
	}
}

func (h *Handler) apiDesks(c echo.Context) error {
	desks, err := h.deskViews(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, desks)
}
