package paper

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
)

// paperPrintView is a batch as printed: one A4 form per serial, always in
// Vietnamese, with the exact question texts of the pinned instrument
// version.
type paperPrintView struct {
	Batch     *Batch
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
	// Parts split a big batch into print runs of printPart forms.
	Parts []printPart
}

// printPart is a range of form numbers printed together.
type printPart struct{ From, To int }

// printPartSize is how many forms one print run of a big batch holds: a
// thousand forms make a 10 MB page, more than a print dialog enjoys.
const printPartSize = 100

// printRange reads ?from=&to= (form numbers, both included; default the
// whole batch).
func printRange(c echo.Context, count int) (from, to int, err error) {
	from, to = 1, count
	for _, p := range []struct {
		name string
		dst  *int
	}{{"from", &from}, {"to", &to}} {
		if v := c.QueryParam(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > count {
				return 0, 0, derrors.Param("paper.err_range", count)
			}
			*p.dst = n
		}
	}
	if to < from {
		return 0, 0, derrors.Param("paper.err_range", count)
	}
	return from, to, nil
}

// paperPrint serves GET /paper/batches/:id?from=&to=: the printable forms.
func (h *Handler) paperPrint(c echo.Context) error {
	b, err := h.paperBatch(c)
	if err != nil {
		return err
	}
	in, err := h.instrument(b.Instrument)
	if err != nil {
		return err
	}
	viewer := auth.ViewerOf(c)
	u, err := viewer.Unit(c.Request().Context(), b.Unit)
	if err != nil {
		return err
	}
	v := paperPrintView{Batch: b, UnitName: u.Name, Title: in.Title.VI,
		Questions: paperQuestions(in, h.catalog, "vi", nil, nil), OnlineURL: h.onlineURL(c, b),
		OnlineQR: "/paper/batches/" + b.ID + "/online.svg"}
	// The unit above, printed over the unit's name as official notices do.
	for _, p := range viewer.Tree() {
		if p.ID == u.Parent {
			v.Parent = p.Name
		}
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
	from, to, err := printRange(c, b.Count)
	if err != nil {
		return err
	}
	for n := from; n <= to; n++ {
		v.Serials = append(v.Serials, b.Serial(n))
	}
	if b.Count > printPartSize {
		for n := 1; n <= b.Count; n += printPartSize {
			v.Parts = append(v.Parts, printPart{From: n, To: min(n+printPartSize-1, b.Count)})
		}
	}
	p := web.NewPage(c, "paper.title_print", v)
	p.BodyClass = "sheets"
	return web.RenderPage(c, http.StatusOK, "paper_batch", p)
}
