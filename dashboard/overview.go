package dashboard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/dashboard/filter"
	"hailong/dashboard/plan"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/period"
)

// alertThreshold is the 7-day service index under which a desk with enough
// answers is flagged.
const alertThreshold = 70.0

// overviewView is everything the overview page shows.
type overviewView struct {
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
	Figures   survey.Figures
	Online    *survey.OptionFigure
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

type rankRow struct {
	Rank  int // 0: not ranked (too few answers)
	ID    string
	Name  string
	Value *float64
	N     int64
	LowN  bool
	Href  string
}

// chanRow is one answer channel: its share of the answers and its own
// service index and overall satisfaction.
type chanRow struct {
	Channel string
	Href    string // the overview filtered to the channel, other filters kept
	N       int64
	Share   float64
	Service *survey.Figure
	Overall *survey.Figure
}

type alert struct {
	Kind, Text, Href string
}

// channelJoin sets a communication channel's plan tasks beside the share
// of citizens who say they heard of online services through it.
type channelJoin struct {
	Channel string
	Label   string
	Tasks   int
	Done    int
	Overdue int
	Heard   *float64
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
	shared, err := h.overviews.get(key, time.Now(), func() (*overviewView, error) {
		// Not the request's context: other dashboards wait for this build.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), 15*time.Second)
		defer cancel()
		return h.buildOverview(ctx, q, pj, lang, params)
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
func (h *Handler) overviewLive(c echo.Context, b *overviewBuild, p web.Page) error {
	canHide := p.Data.(overviewView).CanHide
	frag := h.overviews.fragment(b, canHide)
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
		h.overviews.putFragment(b, canHide, frag)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.HTMLBlob(http.StatusOK, bytes.ReplaceAll(frag, []byte(csrfSlot), []byte(p.CSRF)))
}

// buildOverview reads and computes everything the overview shows for one
// scope and set of filters; nothing in it depends on who asks.
func (h *Handler) buildOverview(ctx context.Context, q survey.Query, pj filter.Period, lang string, params url.Values) (*overviewView, error) {
	t, err := h.rollups.Tally(ctx, q, period.Cover(q.From, q.To))
	if err != nil {
		return nil, err
	}
	trendDay, trendMonth, trendFrom, err := h.trends(ctx, q, lang)
	if err != nil {
		return nil, err
	}
	units, err := h.store.UnitsRecent(ctx)
	if err != nil {
		return nil, err
	}
	desks, err := h.store.Desks(ctx)
	if err != nil {
		return nil, err
	}
	pct := func(v float64) string { return web.FormatPercent(lang, v) }
	v := overviewView{
		Filters: params, From: pj.From, To: pj.To, Instr: h.instruments.IDs(), Channels: survey.Channels,
		Figures: survey.Compute(q.Instrument, t, q.Agg, lang), Pct: pct, Method: h.method(lang, q),
	}
	v.Query = params.Encode()
	v.APIHref = "/api/v1/indicators?" + v.Query
	v.DeskLabel = map[string]string{}
	unitName := map[string]string{}
	for _, u := range units {
		unitName[u.ID] = u.DisplayName(lang)
		if q.Units == nil || q.Units[u.ID] {
			v.Units = append(v.Units, u)
		}
	}
	deskName, deskUnit := map[string]string{}, map[string]string{}
	for _, d := range desks {
		deskUnit[d.ID] = d.Unit
		// Many wards call their only counter "Quầy Một cửa": name the unit too.
		deskName[d.ID] = d.DisplayName(lang) + " · " + shortUnit(unitName[d.Unit])
		if q.Units == nil || q.Units[d.Unit] {
			v.Desks = append(v.Desks, d)
			v.DeskLabel[d.ID] = shortUnit(unitName[d.Unit]) + " — " + d.DisplayName(lang)
		}
	}

	// Elements with intervals; each bar links to its criteria breakdown.
	var bars []Bar
	for _, e := range v.Figures.Elements {
		bars = append(bars, Bar{Label: e.Code + ". " + e.Label, Value: e.HL, Low: e.CILow, High: e.CIHigh, N: e.N, LowN: e.LowN, Format: pct, Href: "#criteria"})
	}
	v.Elements = BarChart(bars, h.catalog.T(lang, "ov.elements"))
	v.Trend, v.TrendMonth = trendDay, trendMonth
	v.TrendDayNote = h.catalog.T(lang, "ov.trend_day_note", trendFrom, web.FormatDate(q.To))
	var heat [7][24]int64
	for k, n := range t.Total.W {
		if d, hr, ok := hourKey(k); ok {
			heat[d][hr] += n
		}
	}
	v.Heat = Heatmap(heat, weekdays(lang), h.catalog.T(lang, "ov.heatmap"))

	base := params
	v.UnitRank = rank(t.ByUnit, q.Instrument, q.Agg, lang, unitName, func(id string) string { return "/?" + with(base, "unit", id, "desk", "") })
	v.DeskRank = rank(t.ByDesk, q.Instrument, q.Agg, lang, deskName, func(id string) string { return "/?" + with(base, "desk", id) })
	for _, ch := range survey.Channels {
		if n := t.Channel[ch]; n > 0 {
			row := chanRow{Channel: ch, Href: "/?" + with(base, "channel", ch), N: n, Share: 100 * float64(n) / float64(max(t.Total.N, 1))}
			if sub := t.ByChannel[ch]; sub != nil {
				f := survey.Compute(q.Instrument, sub, q.Agg, lang)
				row.Service, row.Overall = f.Service, f.Overall
			}
			v.ChanMix = append(v.ChanMix, row)
		}
	}
	for i := range v.Figures.Choices {
		if ch := v.Figures.Choices[i]; ch.Code == "online_next" && len(ch.Options) > 0 {
			v.Online = &ch.Options[0]
		}
	}

	if v.Comments, err = h.recentComments(ctx, q, unitName, deskName, deskUnit); err != nil {
		h.log.Warn("read comments", "err", err)
	}

	tasks, err := h.tasks.List(ctx, h.now())
	if err != nil {
		return nil, err
	}
	for _, tk := range tasks {
		if q.Units == nil || q.Units[tk.Unit] {
			v.Tasks = append(v.Tasks, tk)
		}
	}
	v.ByChannel = joinChannels(v.Tasks, v.Figures, lang, h.catalog)
	v.Alerts = h.alerts(ctx, q, v.Tasks, deskName, deskUnit, lang)
	return &v, nil
}

// rank orders units or desks by service index; those with fewer than 30
// answers are listed after, greyed and unranked.
func rank(cells map[string]*survey.Cell, in *survey.Instrument, agg, lang string, names map[string]string, href func(string) string) []rankRow {
	var rows []rankRow
	for id, cell := range cells {
		f := survey.Compute(in, &survey.Tally{Total: *cell}, survey.AggPooled, lang)
		r := rankRow{ID: id, Name: names[id], N: f.N, LowN: true, Href: href(id)}
		if r.Name == "" {
			r.Name = id
		}
		if f.Service != nil {
			r.Value, r.LowN = f.Service.HL, f.Service.LowN
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.LowN != b.LowN || (a.Value == nil) != (b.Value == nil) {
			return !a.LowN && a.Value != nil
		}
		if a.Value != nil && b.Value != nil && *a.Value != *b.Value {
			return *a.Value > *b.Value
		}
		return a.Name < b.Name
	})
	n := 0
	for i := range rows {
		if !rows[i].LowN && rows[i].Value != nil {
			n++
			rows[i].Rank = n
		}
	}
	return rows
}

// alerts lists desks whose last 7 days fall under the threshold with
// enough answers, desks with a burst of suspect answers, and overdue plan
// tasks.
func (h *Handler) alerts(ctx context.Context, q survey.Query, tasks []plan.Task, deskName, deskUnit map[string]string, lang string) []alert {
	var out []alert
	today := period.DayOf(h.now()).Start
	week := survey.Query{Instrument: q.Instrument, Units: q.Units, Channel: q.Channel, From: today.AddDate(0, 0, -6), To: today, Breakdown: true}
	t, err := h.rollups.Tally(ctx, week, period.Cover(week.From, week.To))
	if err == nil {
		for id, cell := range t.ByDesk {
			f := survey.Compute(q.Instrument, &survey.Tally{Total: *cell}, survey.AggPooled, lang)
			if f.Service != nil && f.Service.HL != nil && !f.Service.LowN && *f.Service.HL < alertThreshold {
				out = append(out, alert{Kind: "low", Href: "/?desk=" + url.QueryEscape(id),
					Text: h.catalog.T(lang, "ov.alert_low", deskName[id], web.FormatPercent(lang, *f.Service.HL), f.N)})
			}
		}
	}
	out = append(out, h.burstAlerts(ctx, q, deskName, deskUnit, lang)...)
	var overdue []plan.Task
	for _, tk := range tasks {
		if tk.Overdue {
			overdue = append(overdue, tk)
		}
	}
	// A few overdue tasks are named; many are summed up in one line, so
	// they do not bury the desks that need attention.
	if len(overdue) > 3 {
		out = append(out, alert{Kind: "task", Href: "/plan", Text: h.catalog.T(lang, "ov.alert_tasks", len(overdue))})
	} else {
		for _, tk := range overdue {
			out = append(out, alert{Kind: "task", Href: "/plan#" + tk.ID, Text: h.catalog.T(lang, "ov.alert_task", tk.Title)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

func joinChannels(tasks []plan.Task, f survey.Figures, lang string, cat *web.Catalog) []channelJoin {
	heard := map[string]*float64{}
	for _, m := range f.Multi {
		if m.Code == "heard" {
			for _, o := range m.Options {
				heard[o.Key] = o.Share
			}
		}
	}
	var out []channelJoin
	for _, ch := range plan.PlanChannels {
		j := channelJoin{Channel: ch, Label: cat.T(lang, "channel."+ch), Heard: heard[ch]}
		for _, t := range tasks {
			if t.Channel == ch {
				j.Tasks++
				if t.Status == plan.TaskDone {
					j.Done++
				}
				if t.Overdue {
					j.Overdue++
				}
			}
		}
		if j.Tasks > 0 || j.Heard != nil {
			out = append(out, j)
		}
	}
	return out
}

// with returns v with the given key/value pairs replaced ("" removes).
func with(v url.Values, kv ...string) string {
	out := url.Values{}
	for k, x := range v {
		out[k] = x
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out.Encode()
}

func shortPeriod(p string) string {
	if t, err := time.Parse("2006-01-02", p); err == nil {
		return t.Format("02/01")
	}
	if t, err := time.Parse("2006-01", p); err == nil {
		return t.Format("01/2006")
	}
	return p
}

func weekdays(lang string) []string {
	if lang == "en" {
		return []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	}
	return []string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}
}

// hourKey parses a rollup hour key "w3h14" (Thursday 14:00).
func hourKey(k string) (day, hour int, ok bool) {
	if _, err := fmt.Sscanf(k, "w%dh%d", &day, &hour); err != nil {
		return 0, 0, false
	}
	return day, hour, day >= 0 && day < 7 && hour >= 0 && hour < 24
}

// shortUnit drops the "UBND" prefix shared by every ward's name.
func shortUnit(name string) string {
	return strings.TrimPrefix(strings.TrimPrefix(name, "UBND "), "Ủy ban nhân dân ")
}
