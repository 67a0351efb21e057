package dashboard

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/web"
)

// paperPrintView is a batch as printed: one A4 form per serial, always in
// Vietnamese, with the exact question texts of the pinned instrument
// version.
type paperPrintView struct {
	Batch     *PaperBatch
	UnitName  string
	Parent    string
	DeskName  string
	Title     string
	Questions []paperQuestion
	Serials   []string
	OnlineURL string
	// OnlineShort is OnlineURL without its scheme, for typing.
	OnlineShort string
	OnlineQR    string
}

// paperPrint serves GET /paper/batches/:id: the printable forms.
func (h *Handler) paperPrint(c echo.Context) error {
	b, err := h.paperBatch(c)
	if err != nil {
		return err
	}
	in, ok := h.instruments.Get(b.Instrument)
	if !ok {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", nil)
	}
	units, err := h.unitsWith(c, b.Unit)
	if err != nil {
		return err
	}
	u := units[b.Unit]
	v := paperPrintView{Batch: b, UnitName: u.Name, Title: in.Title.VI,
		Questions: paperQuestions(in, h.catalog, "vi", nil, nil), OnlineURL: h.onlineURL(c, b),
		OnlineQR: "/paper/batches/" + b.ID + "/online.svg"}
	if p, ok := units[u.Parent]; ok {
		v.Parent = p.Name
	}
	if b.Desk != "" {
		if d, err := h.store.Desk(c.Request().Context(), b.Desk); err == nil {
			v.DeskName = d.Name
		}
	}
	v.OnlineShort = v.OnlineURL
	if i := strings.Index(v.OnlineShort, "://"); i >= 0 {
		v.OnlineShort = v.OnlineShort[i+3:]
	}
	v.Serials = make([]string, b.Count)
	for i := range v.Serials {
		v.Serials[i] = b.Serial(i + 1)
	}
	p := web.NewPage(c, "paper.title_print", v)
	p.BodyClass = "sheets"
	return web.RenderPage(c, http.StatusOK, "paper_batch", p)
}
