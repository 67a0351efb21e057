package exports

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey/period"
)

// pageMonths is how many months the exports page lists, this one first.
const pageMonths = 12

// exportsView is the "Xuất báo cáo" page: every recent month with its
// downloads and closed state.
type exportsView struct {
	Scope      string
	Instrument string
	Query      string // unit= and instrument= carried by every link
	Tables     []string
	Months     []exportMonth
	Done       string // the month just closed or reopened, for the notice
	Reopened   bool
}

type exportMonth struct {
	Month, Label string // 2024-05, 05/2024
	From, To     string // the raw CSV's period
	Ended        bool
	Closed       bool
	SHA256       string
	ClosedAt     string
	ClosedBy     string
	CanClose     bool
	CanReopen    bool
	CloseAction  string
	ReopenAction string
}

// exportsPage is GET /exports: links to the monthly report, XLSX, each
// CSV table, the raw answers and the codebook, in the official's scope,
// and (admins) the "Chốt số liệu" and "Mở lại" buttons.
func (h *Handler) exportsPage(c echo.Context) error {
	f, err := h.filters.Parse(c)
	if err != nil {
		return err
	}
	q, scope := f.Query, f.Scope
	keep := url.Values{}
	if u := c.QueryParam("unit"); u != "" {
		keep.Set("unit", u)
	}
	if i := c.QueryParam("instrument"); i != "" {
		keep.Set("instrument", i)
	}
	v := exportsView{Scope: scope.UnitName, Instrument: q.Instrument.ID(), Query: keep.Encode(), Tables: csvTables,
		Done: c.QueryParam("done"), Reopened: c.QueryParam("action") == "reopen"}
	if d, ok := period.ParseMonth(v.Done); ok {
		v.Done = d.Format("01/2006")
	} else {
		v.Done = ""
	}
	if v.Scope == "" {
		v.Scope = "Tất cả đơn vị"
	}
	admin := auth.ViewerOf(c).User.Role == auth.RoleAdmin
	now := h.now()
	cur := period.MonthOf(now).Start
	for i := 0; i < pageMonths; i++ {
		m := period.MonthOf(cur.AddDate(0, -i, 0))
		em := exportMonth{Month: m.Label(), Label: m.Start.Format("01/2006"), From: m.Start.Format("2006-01-02"),
			To: m.End().AddDate(0, 0, -1).Format("2006-01-02"), Ended: !now.Before(m.End())}
		snap, err := h.exporter.Closed(c.Request().Context(), m.Start, q.Instrument)
		switch {
		case err == nil:
			em.Closed, em.SHA256, em.ClosedBy = true, snap.SHA256, snap.ClosedBy
			em.ClosedAt = snap.ClosedAt.In(period.Vietnam).Format("15:04 02/01/2006")
		case !errors.Is(err, derrors.ErrNotFound): // NotFound: the month is open
			return err
		}
		em.CanClose = admin && em.Ended && !em.Closed
		em.CanReopen = admin && em.Closed
		em.CloseAction = "/exports/" + em.Month + "/close?" + v.Query
		em.ReopenAction = "/exports/" + em.Month + "/reopen?" + v.Query
		v.Months = append(v.Months, em)
	}
	return web.RenderPage(c, http.StatusOK, "exports", web.NewPage(c, "title.exports", v))
}

// fromPage reports whether a close or reopen came from the exports page's
// form, which wants to go back there (Post/Redirect/Get) rather than JSON.
func fromPage(c echo.Context) bool { return c.FormValue("back") == "page" }

// backToPage redirects to the exports page after a form close or reopen.
func backToPage(c echo.Context, month, action string) error {
	keep := url.Values{"done": {month}, "action": {action}}
	for _, k := range []string{"unit", "instrument"} {
		if v := c.QueryParam(k); v != "" {
			keep.Set(k, v)
		}
	}
	return c.Redirect(http.StatusSeeOther, "/exports?"+keep.Encode()+"#m-"+month)
}
