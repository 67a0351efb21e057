package overview

import (
	"context"
	"net/url"
	"sort"

	"hailong/dashboard/plan"
	"hailong/internal/web"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// alertThreshold is the 7-day service index under which a desk with enough
// answers is flagged.
const alertThreshold = 70.0

// alerts lists desks whose last 7 days fall under the threshold with
// enough answers, desks with a burst of suspect answers, and overdue plan
// tasks.
func (h *Handler) alerts(ctx context.Context, q rollup.Query, tasks []plan.Task, names places, lang string) []alert {
	out := h.lowIndexAlerts(ctx, q, names, lang)
	out = append(out, h.burstAlerts(ctx, q, names, lang)...)
	out = append(out, h.taskAlerts(tasks, lang)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// lowIndexAlerts names the desks whose last 7 days fall under the
// threshold with enough answers; a failed read shows none.
func (h *Handler) lowIndexAlerts(ctx context.Context, q rollup.Query, names places, lang string) []alert {
	today := period.DayOf(h.now()).Start
	week := rollup.Query{Instrument: q.Instrument, Units: q.Units, Channel: q.Channel, From: today.AddDate(0, 0, -6), To: today, Breakdown: true}
	t, err := h.rollups.Tally(ctx, week, period.Cover(week.From, week.To))
	if err != nil {
		return nil
	}
	var out []alert
	for id, cell := range t.ByDesk {
		f := rollup.Compute(q.Instrument, &rollup.Tally{Total: *cell}, rollup.AggPooled, lang)
		if f.Service != nil && f.Service.HL != nil && !f.Service.LowN && *f.Service.HL < alertThreshold {
			out = append(out, alert{Kind: "low", Href: "/?desk=" + url.QueryEscape(id),
				Text: h.catalog.T(lang, "ov.alert_low", names.desk[id], web.FormatPercent(lang, *f.Service.HL), f.N)})
		}
	}
	return out
}

// taskAlerts names the overdue tasks; many are summed up in one line, so
// they do not bury the desks that need attention.
func (h *Handler) taskAlerts(tasks []plan.Task, lang string) []alert {
	var overdue []plan.Task
	for _, tk := range tasks {
		if tk.Overdue {
			overdue = append(overdue, tk)
		}
	}
	if len(overdue) > 3 {
		return []alert{{Kind: "task", Href: "/plan", Text: h.catalog.T(lang, "ov.alert_tasks", len(overdue))}}
	}
	var out []alert
	for _, tk := range overdue {
		out = append(out, alert{Kind: "task", Href: "/plan#" + tk.ID, Text: h.catalog.T(lang, "ov.alert_task", tk.Title)})
	}
	return out
}
