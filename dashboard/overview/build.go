package overview

import (
	"context"
	"net/url"
	"strings"

	"hailong/dashboard/filter"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// buildView reads and computes everything the overview shows for one
// scope and set of filters; nothing in it depends on who asks.
func (h *Handler) buildView(ctx context.Context, q rollup.Query, pj filter.Period, lang string, params url.Values) (*pageView, error) {
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
	v := pageView{
		Filters: params, From: pj.From, To: pj.To, Instr: h.instruments.IDs(), Channels: survey.Channels,
		Figures: rollup.Compute(q.Instrument, t, q.Agg, lang), Pct: pct, Method: h.method(lang, q),
	}
	v.Query = params.Encode()
	v.APIHref = "/api/v1/indicators?" + v.Query
	names := v.addPlaces(units, desks, q.Units, lang)

	v.Elements = elementBars(v.Figures, pct, h.catalog.T(lang, "ov.elements"))
	v.Trend, v.TrendMonth = trendDay, trendMonth
	v.TrendDayNote = h.catalog.T(lang, "ov.trend_day_note", trendFrom, web.FormatDate(q.To))
	v.Heat = heatmap(weekHours(t), weekdays(lang), h.catalog.T(lang, "ov.heatmap"))

	v.UnitRank = rank(t.ByUnit, q.Instrument, q.Agg, lang, names.unit, func(id string) string { return "/?" + with(params, "unit", id, "desk", "") })
	v.DeskRank = rank(t.ByDesk, q.Instrument, q.Agg, lang, names.desk, func(id string) string { return "/?" + with(params, "desk", id) })
	v.ChanMix = channelMix(t, q, lang, params)
	for i := range v.Figures.Choices {
		if ch := v.Figures.Choices[i]; ch.Code == "online_next" && len(ch.Options) > 0 {
			v.Online = &ch.Options[0]
		}
	}

	if v.Comments, err = h.recentComments(ctx, q, names); err != nil {
		h.log.Warn("read comments", "err", err)
	}
	if v.Tasks, err = h.scopedTasks(ctx, q.Units); err != nil {
		return nil, err
	}
	v.ByChannel = joinChannels(v.Tasks, v.Figures, lang, h.catalog)
	v.Alerts = h.alerts(ctx, q, v.Tasks, names, lang)
	return &v, nil
}

// places names units and desks for the page, whatever its scope: a
// comment or an alert names what it is about.
type places struct {
	unit map[string]string // unit id → name
	desk map[string]string // desk id → "Desk · Unit"
	// deskUnit maps a desk id to its unit's id.
	deskUnit map[string]string
}

// addPlaces lists the units and desks in scope (nil: all) for the
// filters, and returns the names of every unit and desk.
func (v *pageView) addPlaces(units []survey.Unit, desks []survey.Desk, scope map[string]bool, lang string) places {
	n := places{unit: map[string]string{}, desk: map[string]string{}, deskUnit: map[string]string{}}
	v.DeskLabel = map[string]string{}
	for _, u := range units {
		n.unit[u.ID] = u.DisplayName(lang)
		if scope == nil || scope[u.ID] {
			v.Units = append(v.Units, u)
		}
	}
	for _, d := range desks {
		n.deskUnit[d.ID] = d.Unit
		// Many wards call their only counter "Quầy Một cửa": name the unit too.
		n.desk[d.ID] = d.DisplayName(lang) + " · " + shortUnit(n.unit[d.Unit])
		if scope == nil || scope[d.Unit] {
			v.Desks = append(v.Desks, d)
			v.DeskLabel[d.ID] = shortUnit(n.unit[d.Unit]) + " — " + d.DisplayName(lang)
		}
	}
	return n
}

// shortUnit drops the "UBND" prefix shared by every ward's name.
func shortUnit(name string) string {
	return strings.TrimPrefix(strings.TrimPrefix(name, "UBND "), "Ủy ban nhân dân ")
}
