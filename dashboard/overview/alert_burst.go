package overview

import (
	"context"
	"net/url"
	"sort"
	"time"

	"hailong/internal/web"
	"hailong/survey/rollup"
)

// burstWindow is how far back the suspect burst alert looks.
const burstWindow = 24 * time.Hour

// burstAlerts names the desks in the page's scope with at least
// h.alertSuspects suspect answers (too fast, burst, repeated device…) in
// the last 24 hours: someone may be stuffing the box, and the suspects
// page is where officials look. 0 turns the alert off.
func (h *Handler) burstAlerts(ctx context.Context, q rollup.Query, names places, lang string) []alert {
	if h.alertSuspects <= 0 {
		return nil
	}
	var desks []string
	for id, unit := range names.deskUnit {
		if q.Units == nil || q.Units[unit] {
			desks = append(desks, id)
		}
	}
	counts, err := h.comments.SuspectCounts(ctx, desks, h.now())
	if err != nil {
		h.log.Warn("count suspects", "err", err)
		return nil
	}
	var out []alert
	for desk, n := range counts {
		if n < h.alertSuspects || (q.Desk != "" && desk != q.Desk) {
			continue
		}
		name := names.desk[desk]
		if name == "" {
			name = desk
		}
		// The suspects page lists by unit; its default period is this month.
		href := "/suspects"
		if unit := names.deskUnit[desk]; unit != "" {
			href += "?" + url.Values{"unit": {unit}}.Encode()
		}
		out = append(out, alert{Kind: "burst", Href: href, Text: h.catalog.T(lang, "ov.alert_burst", name, n, web.FormatNumber(lang, burstWindow.Hours(), 0))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text < out[j].Text })
	return out
}
