package overview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/dashboard/plan"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/rollup"
)

// pageView is everything the overview page shows.
type pageView struct {
	Filters url.Values
	Query   string // the filters as a query string, for links and live updates
	// APIHref is the indicators API with the page's filters: every
	// criterion's histogram and counts.
	APIHref  string
	From, To string
	Units    []survey.Unit
	Desks    []survey.Desk
	// DeskLabel names a desk in the filter as "Unit — Desk": many wards
	// call their only counter "Quầy Một cửa".
	DeskLabel map[string]string
	Instr     []string
	Channels  []string
	Figures   rollup.Figures
	Online    *rollup.OptionFigure
	Elements  template.HTML
	Trend     template.HTML // by day
	// TrendMonth is the last 12 months up to the period's end.
	TrendMonth   template.HTML
	TrendDayNote string
	Heat         template.HTML
	UnitRank     []rankRow
	DeskRank     []rankRow
	ChanMix      []chanRow
	Comments     []commentRow
	Alerts       []alert
	Tasks        []plan.Task
	ByChannel    []channelJoin
	Method       string
	Pct          func(float64) string
	CanHide      bool
}

type alert struct {
	Kind, Text, Href string
}

func (h *Handler) overview(c echo.Context) error {
	lang := web.Lang(c)
	f, err := h.filters.Parse(c)
	if err != nil {
		return err
	}
	q, pj := f.Query, f.Period
	q.Breakdown, q.Hours, q.ByChannel = true, true, true
	params := c.QueryParams()
	// Every open dashboard re-reads the page at each flush: dashboards with
	// the same scope and filters share one build per flush (wall-clock
	// freshness: the app clock may stand still in tests).
	key := fmt.Sprintf("%d|%s|%s|%s|%s", h.live.Gen(), web.FormatDate(h.now()), lang, unitKey(q.Units), params.Encode())
	shared, err := h.builds.get(key, time.Now(), func() (*pageView, error) {
		// Not the request's context: other dashboards wait for this build.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), 15*time.Second)
		defer cancel()
		return h.buildView(ctx, q, pj, lang, params)
	})
	if err != nil {
		return err
	}
	v := *shared.v
	v.CanHide = auth.ViewerOf(c).User.Supervises()
	p := web.NewPage(c, "title.overview", v)
	if c.Request().Header.Get(liveHeader) == "1" {
		return h.overviewLive(c, shared, p)
	}
	return web.RenderPage(c, http.StatusOK, "overview", p)
}

// liveHeader marks the page script's re-read after a flush: it gets only
// the part it replaces.
const liveHeader = "X-Hailong-Live"

// csrfSlot stands for the official's CSRF token in a shared rendering of
// the live part; each answer puts its own token in.
const csrfSlot = "HLCSRFSLOT7f3a9c"

// overviewLive answers a live re-read with the part of the page it
// replaces, rendered once per build and role and shared by every
// dashboard with the same key.
func (h *Handler) overviewLive(c echo.Context, b *sharedBuild, p web.Page) error {
	canHide := p.Data.(pageView).CanHide
	frag := h.builds.fragment(b, canHide)
	if frag == nil {
		r, isRenderer := c.Echo().Renderer.(*web.Renderer)
		if !isRenderer {
			return web.NewError(http.StatusInternalServerError, "err.500", errors.New("no renderer"))
		}
		shared := p
		shared.CSRF = csrfSlot
		var buf bytes.Buffer
		if err := r.RenderBlock(&buf, "overview", "overview_live", shared); err != nil {
			return web.NewError(http.StatusInternalServerError, "err.500", err)
		}
		frag = buf.Bytes()
		h.builds.putFragment(b, canHide, frag)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.HTMLBlob(http.StatusOK, bytes.ReplaceAll(frag, []byte(csrfSlot), []byte(p.CSRF)))
}
