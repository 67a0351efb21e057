package desks

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

// Poster sizes: the CSS named page each prints on (static/css/print.css).
const (
	posterA4 = "a4"
	posterA5 = "a5"
)

// leafletsPerPage is how many leaflets (tờ rơi) one A4 sheet holds.
const leafletsPerPage = 4

// Poster is what one printed notice shows for a desk. Posters are always
// in Vietnamese, with one English line, whatever language the official
// reads the site in.
type Poster struct {
	DeskID   string
	DeskName string
	UnitID   string
	UnitName string
	// Parent is the unit above (the city for a ward), printed above the
	// unit's name as official notices do; empty for the top unit.
	Parent string
	// Address is the unit's address, when known.
	Address string
	// QR is the same-origin URL of the desk's QR image.
	QR string
	// SurveyURL is what the QR code holds; ShortURL is it without the
	// scheme, for typing.
	SurveyURL string
	ShortURL  string
	Active    bool
	// Rotating desks show a changing code on a screen: their printed code
	// is refused, so a poster for them would mislead.
	Rotating bool
}

// posterPage is the data of the poster, posters and leaflets templates.
type posterPage struct {
	Size     string
	Unit     string // id of the unit of the batch sheet and leaflets
	UnitName string
	Posters  []Poster
	// Skipped names the desks a batch leaves out (paused, or showing a
	// rotating code), "; "-separated.
	Skipped string
	// Copies ranges over the leaflets of one sheet.
	Copies []int
	// OtherSize is the other poster size, for the screen toolbar.
	OtherSize string
}

// registerPosters adds the QR images and printable posters: officials
// only, since an image or a poster reveals a valid desk code.
func (h *Handler) registerPosters(pages *echo.Group, gate *auth.Gate) {
	pages.GET("/qr/:file", h.qrImage, gate.RequirePage)
	pages.GET("/desks/:id/poster", h.deskPoster, gate.RequirePage)
	pages.GET("/units/:id/posters", h.unitPostersSheet, gate.RequirePage)
	pages.GET("/units/:id/leaflets", h.unitLeaflets, gate.RequirePage)
}

// unitsWith maps unit ids to units and makes sure unit id is there and in
// the official's scope (else NotFound, as on every other unit page).
func (h *Handler) unitsWith(c echo.Context, id string) (map[string]survey.Unit, error) {
	v := auth.ViewerOf(c)
	u, err := v.Unit(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	m := make(map[string]survey.Unit, len(v.Tree())+1)
	for _, x := range v.Tree() {
		m[x.ID] = x
	}
	m[id] = *u
	return m, nil
}

// poster is what desk d's notice shows; units must hold d's unit.
func (h *Handler) poster(d *survey.Desk, units map[string]survey.Unit) Poster {
	u := units[d.Unit]
	full := h.links.Survey(d)
	short := full
	if i := strings.Index(short, "://"); i >= 0 {
		short = short[i+3:]
	}
	p := Poster{
		DeskID: d.ID, DeskName: d.Name, UnitID: d.Unit, UnitName: u.Name,
		QR:        h.qrURL(d, "svg"),
		SurveyURL: full, ShortURL: short, Active: d.Active, Rotating: d.QRMode == survey.QRRotating,
		Address: u.Address,
	}
	if parent, ok := units[u.Parent]; ok {
		p.Parent = parent.Name
	}
	return p
}

// deskPoster serves GET /desks/:id/poster?size=a4|a5: one desk's poster.
func (h *Handler) deskPoster(c echo.Context) error {
	size := c.QueryParam("size")
	other := posterA5
	switch size {
	case "", posterA4:
		size = posterA4
	case posterA5:
		other = posterA4
	default:
		return derrors.Param("err.param_enum", "size", "a4, a5")
	}
	d, err := h.desk(c, c.Param("id"))
	if err != nil {
		return err
	}
	units, err := h.unitsWith(c, d.Unit)
	if err != nil {
		return err
	}
	return renderSheet(c, "poster", "poster.title",
		posterPage{Size: size, OtherSize: other, Unit: d.Unit, UnitName: units[d.Unit].Name, Posters: []Poster{h.poster(d, units)}})
}

// unitPosters collects the posters of a unit's desks, ordered by desk id,
// leaving out (and naming) paused desks, whose code leads to a "not taking
// ratings" page, and rotating desks, whose printed code is refused.
func (h *Handler) unitPosters(c echo.Context) (posterPage, error) {
	id := c.Param("id")
	units, err := h.unitsWith(c, id)
	if err != nil {
		return posterPage{}, err
	}
	desks, err := h.store.Desks(c.Request().Context())
	if err != nil {
		return posterPage{}, err
	}
	page := posterPage{Size: posterA4, Unit: id, UnitName: units[id].Name}
	var skipped []string
	for i := range desks {
		d := &desks[i]
		if d.Unit != id {
			continue
		}
		p := h.poster(d, units)
		switch {
		case !p.Active:
			skipped = append(skipped, d.Name+" ("+h.catalog.T(web.Lang(c), "poster.paused")+")")
		case p.Rotating:
			skipped = append(skipped, d.Name+" ("+h.catalog.T(web.Lang(c), "poster.rotating")+")")
		default:
			page.Posters = append(page.Posters, p)
		}
	}
	page.Skipped = strings.Join(skipped, "; ")
	return page, nil
}

// unitPostersSheet serves GET /units/:id/posters: one A4 poster per
// printable desk of the unit, one per printed page.
func (h *Handler) unitPostersSheet(c echo.Context) error {
	page, err := h.unitPosters(c)
	if err != nil {
		return err
	}
	return renderSheet(c, "posters", "poster.title_batch", page)
}

// unitLeaflets serves GET /units/:id/leaflets: for each printable desk of
// the unit (or only ?desk=), one A4 sheet of four leaflets to cut apart.
func (h *Handler) unitLeaflets(c echo.Context) error {
	page, err := h.unitPosters(c)
	if err != nil {
		return err
	}
	if only := c.QueryParam("desk"); only != "" {
		var kept []Poster
		for _, p := range page.Posters {
			if p.DeskID == only {
				kept = append(kept, p)
			}
		}
		if kept == nil {
			return derrors.ErrNotFound
		}
		page.Posters, page.Skipped = kept, ""
	}
	page.Copies = make([]int, leafletsPerPage)
	return renderSheet(c, "leaflets", "poster.title_leaflets", page)
}

// renderSheet renders a printable page: body class "sheets" shows each
// printed page as a sheet of paper on screen (static/css/print.css).
func renderSheet(c echo.Context, name, titleID string, page posterPage) error {
	p := web.NewPage(c, titleID, page)
	p.BodyClass = "sheets"
	return web.RenderPage(c, http.StatusOK, name, p)
}
