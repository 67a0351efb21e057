package overview

import (
	"context"
	"html/template"
	"time"

	"hailong/internal/web"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// trendDays caps the daily trend: a longer period shows its last 62 days,
// so a year view stays readable and cheap (one tally a day).
const trendDays = 62

// trends draws the service index by day (the period's days, at most the
// last trendDays) and by month (the 12 months up to the period's end).
func (h *Handler) trends(ctx context.Context, q rollup.Query, lang string) (byDay, byMonth template.HTML, dayFrom string, err error) {
	pct := func(v float64) string { return web.FormatPercent(lang, v) }
	base := rollup.Query{Instrument: q.Instrument, Units: q.Units, Desk: q.Desk, Channel: q.Channel, To: q.To, Agg: q.Agg}

	d := base
	d.By, d.From = period.GrainDay, q.From
	if first := q.To.AddDate(0, 0, -(trendDays - 1)); first.After(d.From) {
		d.From = first
	}
	days, err := h.rollups.Series(ctx, d, lang)
	if err != nil {
		return "", "", "", err
	}
	m := base
	m.By = period.GrainMonth
	m.From = period.MonthOf(q.To).Start.AddDate(0, -11, 0)
	months, err := h.rollups.Series(ctx, m, lang)
	if err != nil {
		return "", "", "", err
	}
	byDay = lineChart(points(days), h.catalog.T(lang, "ov.trend_day"), pct)
	byMonth = lineChart(points(months), h.catalog.T(lang, "ov.trend_month"), pct)
	return byDay, byMonth, web.FormatDate(d.From), nil
}

func points(series []rollup.SeriesPoint) []point {
	pts := make([]point, 0, len(series))
	for _, p := range series {
		pt := point{Label: shortPeriod(p.Period), N: p.N}
		if p.Service != nil {
			pt.Value = p.Service.HL
		}
		pts = append(pts, pt)
	}
	return pts
}

// shortPeriod labels a day "02/01" and a month "01/2006".
func shortPeriod(p string) string {
	if t, err := time.Parse("2006-01-02", p); err == nil {
		return t.Format("02/01")
	}
	if t, err := time.Parse("2006-01", p); err == nil {
		return t.Format("01/2006")
	}
	return p
}
