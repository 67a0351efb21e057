package rollup

import (
	"sort"

	"hailong/survey"
	"hailong/survey/sipas"
)

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
	c := newComputation(t, agg, lang)
	f := Figures{N: t.Total.N, Comments: t.Total.Comments}
	byElement := map[string][]sipas.Rate{}
	var service []sipas.Rate
	var points []*survey.Item
	for i := range in.Items {
		it := &in.Items[i]
		switch {
		case it.Satisfaction():
			fig, r := c.satisfaction(it)
			if it.Overall {
				f.Overall = &fig
				continue
			}
			f.Criteria = append(f.Criteria, fig)
			byElement[it.Element] = append(byElement[it.Element], r)
			service = append(service, r)
		case it.Type == survey.TypeScale && it.Scale == "expectation4":
			r := c.rate(it.Code, func(h sipas.Hist) sipas.Rate { return sipas.Share(h, []int{1, 2, 3, 4}, []int{3, 4}) })
			f.Expectations = append(f.Expectations, figure(it.Code, it.Text.In(lang), r))
		case it.Type == survey.TypePoints:
			points = append(points, it)
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
	if agg == AggUnits {
		// Distributions and points stay pooled; say so rather than let the
		// report's "units" cover them.
		for _, ds := range [][]Distribution{f.Perceptions, f.Choices, f.Multi} {
			for i := range ds {
				ds[i].Aggregation = AggPooled
			}
		}
	}
	f.Elements = elementFigures(byElement, lang)
	f.Service = serviceFigure(service, lang)
	f.Points = c.points(points)
	return f
}

// computation is what Compute works from: the tally, and the cells a
// rate is computed on (the total, or with AggUnits each unit's).
type computation struct {
	t     *Tally
	agg   string
	lang  string
	cells []*Cell
}

func newComputation(t *Tally, agg, lang string) *computation {
	c := &computation{t: t, agg: agg, lang: lang, cells: []*Cell{&t.Total}}
	if agg == AggUnits {
		c.cells = c.cells[:0]
		for _, id := range sortedKeys(t.ByUnit) {
			c.cells = append(c.cells, t.ByUnit[id])
		}
	}
	return c
}

// rate computes a rate per selected cell and combines them.
func (c *computation) rate(item string, one func(sipas.Hist) sipas.Rate) sipas.Rate {
	if c.agg != AggUnits {
		return one(c.t.Total.Hist(item))
	}
	var rs []sipas.Rate
	for _, cell := range c.cells {
		rs = append(rs, one(cell.Hist(item)))
	}
	return sipas.MeanOfRates(rs)
}

// satisfaction is a satisfaction item's figure, and its rate for the
// element and service indexes.
func (c *computation) satisfaction(it *survey.Item) (Figure, sipas.Rate) {
	r := c.rate(it.Code, sipas.Satisfied)
	fig := figure(it.Code, it.Text.In(c.lang), r)
	fig.Element = it.Element
	fig.MeanScore = meanScore(c.cells, it.Code)
	return fig, r
}

// elementFigures are the element indexes: each the mean of its criteria's
// rates, in element order.
func elementFigures(byElement map[string][]sipas.Rate, lang string) []Figure {
	var out []Figure
	for _, e := range survey.Elements {
		if rs, ok := byElement[e]; ok {
			out = append(out, figure(e, survey.ElementNames[e].In(lang), sipas.MeanOfRates(rs)))
		}
	}
	return out
}

// serviceFigure is the service satisfaction index, the mean of every
// criterion's rate; nil without criteria.
func serviceFigure(service []sipas.Rate, lang string) *Figure {
	if len(service) == 0 {
		return nil
	}
	fig := figure("service", map[string]string{"vi": "Chỉ số hài lòng về sự phục vụ hành chính", "en": "Service satisfaction index"}[lang], sipas.MeanOfRates(service))
	if fig.Label == "" {
		fig.Label = "Chỉ số hài lòng về sự phục vụ hành chính"
	}
	return &fig
}

// points is the TT 01/2018 score of the points items, always pooled; nil
// without such items.
func (c *computation) points(items []*survey.Item) *PointsFigure {
	if len(items) == 0 {
		return nil
	}
	hists := make([]sipas.Hist, len(items))
	for i, it := range items {
		hists[i] = c.t.Total.Hist(it.Code)
	}
	s := sipas.Score(hists)
	pf := &PointsFigure{Max: 2 * len(items)}
	for i, m := range s.Indicators {
		pi := PointsIndicator{Code: items[i].Code, Label: items[i].Text.In(c.lang), N: m.N, LowN: m.N < sipas.MinN}
		pf.LowN = pf.LowN || pi.LowN
		if m.Valid {
			pi.Mean = ptr(m.Value)
		}
		pf.Indicators = append(pf.Indicators, pi)
	}
	if s.Valid {
		pf.Total, pf.Grade, pf.GradeLabel = ptr(s.Total), string(s.Grade), gradeLabels[s.Grade].In(c.lang)
	}
	if c.agg == AggUnits {
		pf.Aggregation = AggPooled
	}
	return pf
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
