package rollup

import (
	"context"
	"fmt"
	"time"

	"hailong/survey/period"
)

// SeriesPoint is the figures of one day or month of a series.
type SeriesPoint struct {
	Period string `json:"period"`
	Figures
}

// Series computes figures per day or per month of q's range.
func (r *Rollups) Series(ctx context.Context, q Query, lang string) ([]SeriesPoint, error) {
	var buckets [][]period.Period
	var labels []string
	switch q.By {
	case period.GrainDay:
		for _, p := range period.Days(q.From, q.To) {
			buckets = append(buckets, []period.Period{p})
			labels = append(labels, p.Label())
		}
	case period.GrainMonth:
		for m := period.MonthOf(q.From); !m.Start.After(q.To); m = period.MonthOf(m.End()) {
			from, to := maxTime(m.Start, period.DayOf(q.From).Start), minTime(m.End().AddDate(0, 0, -1), period.DayOf(q.To).Start)
			buckets = append(buckets, period.Cover(from, to))
			labels = append(labels, m.Label())
		}
	default:
		return nil, fmt.Errorf("unknown series grain %q", q.By)
	}
	out := make([]SeriesPoint, 0, len(buckets))
	for i, b := range buckets {
		t, err := r.Tally(ctx, q, b)
		if err != nil {
			return nil, err
		}
		out = append(out, SeriesPoint{Period: labels[i], Figures: Compute(q.Instrument, t, q.Agg, lang)})
	}
	return out, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Report is what the indicators API answers.
type Report struct {
	Instrument  string `json:"instrument"`
	Aggregation string `json:"aggregation"`
	Figures
	Channels map[string]int64 `json:"channels"`
	// ByChannel holds every figure per channel that has answers, computed
	// like the total (same aggregation), when the query asks for it.
	ByChannel map[string]Figures `json:"by_channel,omitempty"`
	Series    []SeriesPoint      `json:"series,omitempty"`
}

// Report computes q's figures, channel counts and, with q.By, its series.
func (r *Rollups) Report(ctx context.Context, q Query, lang string) (*Report, error) {
	if q.Agg == "" {
		q.Agg = AggPooled
	}
	t, err := r.Tally(ctx, q, period.Cover(q.From, q.To))
	if err != nil {
		return nil, err
	}
	rep := &Report{Instrument: q.Instrument.ID(), Aggregation: q.Agg, Figures: Compute(q.Instrument, t, q.Agg, lang), Channels: t.Channel}
	if q.ByChannel {
		rep.ByChannel = map[string]Figures{}
		for ch, sub := range t.ByChannel {
			rep.ByChannel[ch] = Compute(q.Instrument, sub, q.Agg, lang)
		}
	}
	if q.By != "" {
		sq := q
		sq.ByChannel = false // the series shows totals only
		if rep.Series, err = r.Series(ctx, sq, lang); err != nil {
			return nil, err
		}
	}
	return rep, nil
}
