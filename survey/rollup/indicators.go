package rollup

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/sipas"
)

// Aggregations across units.
const (
	AggPooled = "pooled" // figures from the summed histograms of every unit
	AggUnits  = "units"  // each unit's figure first, then their plain mean
)

// Query selects what an indicator figure covers.
type Query struct {
	Instrument *survey.Instrument
	// Units is the set of units counted (a unit's subtree); nil counts all.
	Units   map[string]bool
	Desk    string
	Channel string
	// From and To are Vietnam dates, both included.
	From, To time.Time
	By       string // "", period.GrainDay or period.GrainMonth
	Agg      string
	// Breakdown keeps per-unit and per-desk tallies (rankings); Hours keeps
	// the hour × weekday counts. Both cost time, so only pages that show
	// them ask for them.
	Breakdown bool
	Hours     bool
	// ByChannel keeps a full tally per channel (Report.ByChannel).
	ByChannel bool
}

// Tally is the summed counts of the cells a query selects.
type Tally struct {
	Total   Cell
	ByUnit  map[string]*Cell
	ByDesk  map[string]*Cell
	Channel map[string]int64
	// ByChannel is the tally of each channel's cells, with q.ByChannel.
	ByChannel map[string]*Tally
}

func newTally() *Tally {
	return &Tally{ByUnit: map[string]*Cell{}, ByDesk: map[string]*Cell{}, Channel: map[string]int64{}, ByChannel: map[string]*Tally{}}
}

func (t *Tally) add(key CellKey, c Cell, q Query) {
	if !q.Hours {
		c.W = nil
	}
	t.Total.Add(c)
	if q.Breakdown || q.Agg == AggUnits {
		addTo(t.ByUnit, key.Unit, c)
		if key.Desk != "" {
			addTo(t.ByDesk, key.Desk, c)
		}
	}
	t.Channel[key.Channel] += c.N
	if q.ByChannel {
		sub, ok := t.ByChannel[key.Channel]
		if !ok {
			sub = newTally()
			t.ByChannel[key.Channel] = sub
		}
		// A channel's figures need neither rankings nor hours.
		q.ByChannel, q.Breakdown, q.Hours = false, false, false
		sub.add(key, c, q)
	}
}

func addTo(m map[string]*Cell, k string, c Cell) {
	x, ok := m[k]
	if !ok {
		x = &Cell{}
		m[k] = x
	}
	x.Add(c)
}

// Tally reads the rollups of q's periods and sums the selected cells.
func (r *Rollups) Tally(ctx context.Context, q Query, periods []period.Period) (*Tally, error) {
	t := newTally()
	for _, p := range periods {
		doc, err := r.Read(ctx, q.Instrument.ID(), p)
		if err != nil {
			return nil, err
		}
		for k, c := range doc.Cells {
			key, ok := ParseCellKey(k)
			if !ok || !q.selects(key) {
				continue
			}
			t.add(key, c, q)
		}
	}
	return t, nil
}

func (q Query) selects(k CellKey) bool {
	return (q.Units == nil || q.Units[k.Unit]) &&
		(q.Desk == "" || q.Desk == k.Desk) &&
		(q.Channel == "" || q.Channel == k.Channel)
}

// Hist returns an item's histogram from a cell.
func (c *Cell) Hist(item string) sipas.Hist {
	h := sipas.Hist{}
	for k, n := range c.H[item] {
		if code, err := strconv.Atoi(k[1:]); err == nil && len(k) > 1 && k[0] == 'c' {
			h[code] += n
		}
	}
	return h
}

// Figure is one rate as the API shows it.
type Figure struct {
	Code    string   `json:"code"`
	Element string   `json:"element,omitempty"`
	Label   string   `json:"label"`
	HL      *float64 `json:"hl"`
	N       int64    `json:"n"`
	CILow   *float64 `json:"ci_low"`
	CIHigh  *float64 `json:"ci_high"`
	LowN    bool     `json:"low_n"`
	// MeanScore is the average 1–5 rating: a reading aid, not a SIPAS figure
	// (the method text says so). With AggUnits, the mean of the units' means.
	MeanScore *float64 `json:"mean_score,omitempty"`
}

func figure(code, label string, r sipas.Rate) Figure {
	f := Figure{Code: code, Label: label, N: r.N, LowN: r.LowN}
	if r.Valid {
		f.HL, f.CILow, f.CIHigh = ptr(r.Value), ptr(r.CILow), ptr(r.CIHigh)
	}
	return f
}

func ptr(v float64) *float64 { return &v }

// Distribution is the share of each option of a single-choice item.
type Distribution struct {
	Code    string         `json:"code"`
	Label   string         `json:"label"`
	N       int64          `json:"n"`
	LowN    bool           `json:"low_n"`
	Options []OptionFigure `json:"options"`
	// Aggregation is "pooled" when the query asked for AggUnits: shares are
	// always computed from the summed answers of every unit.
	Aggregation string `json:"aggregation,omitempty"`
}

// OptionFigure is one option's share.
type OptionFigure struct {
	Code   int      `json:"code,omitempty"`
	Key    string   `json:"key,omitempty"`
	Label  string   `json:"label"`
	Count  int64    `json:"count"`
	Share  *float64 `json:"share"`
	CILow  *float64 `json:"ci_low"`
	CIHigh *float64 `json:"ci_high"`
}

// PointsFigure is the TT 01/2018 score.
type PointsFigure struct {
	Indicators []PointsIndicator `json:"indicators"`
	Total      *float64          `json:"total"`
	Max        int               `json:"max"`
	Grade      string            `json:"grade,omitempty"`
	GradeLabel string            `json:"grade_label,omitempty"`
	// LowN is set when any indicator has fewer than 30 answers.
	LowN bool `json:"low_n"`
	// Aggregation is "pooled" when the query asked for AggUnits: points
	// are always computed from the summed answers of every unit.
	Aggregation string `json:"aggregation,omitempty"`
}

// PointsIndicator is one indicator's mean score out of 2.
type PointsIndicator struct {
	Code  string   `json:"code"`
	Label string   `json:"label"`
	Mean  *float64 `json:"mean"`
	N     int64    `json:"n"`
	LowN  bool     `json:"low_n"`
}

// Figures are every indicator of one tally.
type Figures struct {
	N            int64          `json:"n"`
	Service      *Figure        `json:"service,omitempty"`
	Overall      *Figure        `json:"overall,omitempty"`
	Elements     []Figure       `json:"elements,omitempty"`
	Criteria     []Figure       `json:"criteria,omitempty"`
	Perceptions  []Distribution `json:"perceptions,omitempty"`
	Expectations []Figure       `json:"expectations,omitempty"`
	Choices      []Distribution `json:"choices,omitempty"`
	Multi        []Distribution `json:"multi,omitempty"`
	Points       *PointsFigure  `json:"points,omitempty"`
	Comments     int64          `json:"comments"`
}

var gradeLabels = map[sipas.Grade]survey.Text{
	sipas.GradeExcellent: {VI: "Xuất sắc", EN: "Excellent"},
	sipas.GradeGood:      {VI: "Tốt", EN: "Good"},
	sipas.GradeFair:      {VI: "Khá", EN: "Fair"},
	sipas.GradeAverage:   {VI: "Trung bình", EN: "Average"},
	sipas.GradePoor:      {VI: "Yếu", EN: "Poor"},
}

// Compute turns a tally into figures. With AggUnits, rates are the mean of
// the per-unit rates of units that have answers.
func Compute(in *survey.Instrument, t *Tally, agg, lang string) Figures {
	f := Figures{N: t.Total.N, Comments: t.Total.Comments}
	cells := []*Cell{&t.Total}
	if agg == AggUnits {
		cells = cells[:0]
		for _, id := range sortedKeys(t.ByUnit) {
			cells = append(cells, t.ByUnit[id])
		}
	}
	// rate computes a rate per selected cell and combines them.
	rate := func(item string, one func(sipas.Hist) sipas.Rate) sipas.Rate {
		if agg != AggUnits {
			return one(t.Total.Hist(item))
		}
		var rs []sipas.Rate
		for _, c := range cells {
			rs = append(rs, one(c.Hist(item)))
		}
		return sipas.MeanOfRates(rs)
	}

	byElement := map[string][]sipas.Rate{}
	var service []sipas.Rate
	var points []sipas.Hist
	var pointItems []*survey.Item
	for i := range in.Items {
		it := &in.Items[i]
		label := it.Text.In(lang)
		switch {
		case it.Satisfaction():
			r := rate(it.Code, sipas.Satisfied)
			fig := figure(it.Code, label, r)
			fig.Element = it.Element
			fig.MeanScore = meanScore(cells, it.Code)
			if it.Overall {
				f.Overall = &fig
				continue
			}
			f.Criteria = append(f.Criteria, fig)
			byElement[it.Element] = append(byElement[it.Element], r)
			service = append(service, r)
		case it.Type == survey.TypeScale && it.Scale == "expectation4":
			r := rate(it.Code, func(h sipas.Hist) sipas.Rate { return sipas.Share(h, []int{1, 2, 3, 4}, []int{3, 4}) })
			f.Expectations = append(f.Expectations, figure(it.Code, label, r))
		case it.Type == survey.TypePoints:
			points = append(points, t.Total.Hist(it.Code))
			pointItems = append(pointItems, it)
		case it.Type == survey.TypeScale || it.Type == survey.TypeChoice:
			d := distribution(it, t.Total.Hist(it.Code), lang)
			if it.Type == survey.TypeScale && (it.Scale == "harassment3" || it.Scale == "suitability4") {
				f.Perceptions = append(f.Perceptions, d)
			} else {
				f.Choices = append(f.Choices, d)
			}
		case it.Type == survey.TypeMulti:
			f.Multi = append(f.Multi, multiDistribution(it, &t.Total, lang))
		}
	}
	// Distributions and points stay pooled; say so rather than let the
	// report's "units" cover them.
	if agg == AggUnits {
		for _, ds := range [][]Distribution{f.Perceptions, f.Choices, f.Multi} {
			for i := range ds {
				ds[i].Aggregation = AggPooled
			}
		}
	}
	for _, e := range survey.Elements {
		if rs, ok := byElement[e]; ok {
			fig := figure(e, survey.ElementNames[e].In(lang), sipas.MeanOfRates(rs))
			f.Elements = append(f.Elements, fig)
		}
	}
	if len(service) > 0 {
		fig := figure("service", map[string]string{"vi": "Chỉ số hài lòng về sự phục vụ hành chính", "en": "Service satisfaction index"}[lang], sipas.MeanOfRates(service))
		if fig.Label == "" {
			fig.Label = "Chỉ số hài lòng về sự phục vụ hành chính"
		}
		f.Service = &fig
	}
	if len(points) > 0 {
		s := sipas.Score(points)
		pf := &PointsFigure{Max: 2 * len(points)}
		for i, m := range s.Indicators {
			pi := PointsIndicator{Code: pointItems[i].Code, Label: pointItems[i].Text.In(lang), N: m.N, LowN: m.N < sipas.MinN}
			pf.LowN = pf.LowN || pi.LowN
			if m.Valid {
				pi.Mean = ptr(m.Value)
			}
			pf.Indicators = append(pf.Indicators, pi)
		}
		if s.Valid {
			pf.Total, pf.Grade, pf.GradeLabel = ptr(s.Total), string(s.Grade), gradeLabels[s.Grade].In(lang)
		}
		if agg == AggUnits {
			pf.Aggregation = AggPooled
		}
		f.Points = pf
	}
	return f
}

func distribution(it *survey.Item, h sipas.Hist, lang string) Distribution {
	var codes []int
	for _, o := range it.Choices() {
		codes = append(codes, o.Code)
	}
	d := Distribution{Code: it.Code, Label: it.Text.In(lang)}
	for i, o := range sipas.Distribution(h, codes) {
		d.N, d.LowN = o.Rate.N, o.Rate.N < sipas.MinN
		of := OptionFigure{Code: o.Code, Label: it.Choices()[i].Label.In(lang), Count: h[o.Code]}
		if o.Rate.Valid {
			of.Share, of.CILow, of.CIHigh = ptr(o.Rate.Value), ptr(o.Rate.CILow), ptr(o.Rate.CIHigh)
		}
		d.Options = append(d.Options, of)
	}
	return d
}

// multiDistribution shares each option among everyone who answered the
// form: several options per person, so shares add up to more than 100 %.
func multiDistribution(it *survey.Item, c *Cell, lang string) Distribution {
	d := Distribution{Code: it.Code, Label: it.Text.In(lang), N: c.N, LowN: c.N < sipas.MinN}
	for _, o := range it.Options {
		k := c.M[it.Code][o.Key]
		r := sipas.Proportion(k, c.N)
		of := OptionFigure{Key: o.Key, Label: o.Label.In(lang), Count: k}
		if r.Valid {
			of.Share, of.CILow, of.CIHigh = ptr(r.Value), ptr(r.CILow), ptr(r.CIHigh)
		}
		d.Options = append(d.Options, of)
	}
	return d
}

// meanScore is the 1–5 mean of the pooled cell, or with several (one per
// unit, AggUnits) the plain mean of the units' means.
func meanScore(cells []*Cell, item string) *float64 {
	var sum float64
	var used int
	for _, c := range cells {
		if m := sipas.MeanScore(c.Hist(item), []int{1, 2, 3, 4, 5}); m.Valid {
			sum += m.Value
			used++
		}
	}
	if used == 0 {
		return nil
	}
	return ptr(sum / float64(used))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

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
