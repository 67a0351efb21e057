package rollup

import (
	"math"
	"strconv"
	"testing"

	"hailong/survey"
)

// hc builds a cell from hand-written counts: answers per item per code,
// multi-choice picks per item per key.
func hc(n int64, h map[string]map[int]int64, m map[string]map[string]int64) *Cell {
	c := &Cell{N: n, H: map[string]map[string]int64{}, M: m}
	for item, codes := range h {
		c.H[item] = map[string]int64{}
		for code, k := range codes {
			c.H[item]["c"+strconv.Itoa(code)] = k
		}
	}
	return c
}

// tallyOfUnits sums hand-written unit cells into a tally.
func tallyOfUnits(units map[string]*Cell) *Tally {
	t := newTally()
	for id, c := range units {
		t.Total.Add(*c)
		t.ByUnit[id] = c
	}
	return t
}

func instrument(t *testing.T, code string) *survey.Instrument {
	t.Helper()
	all, err := survey.LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	in, ok := all.Latest(code)
	if !ok {
		t.Fatalf("no instrument %s", code)
	}
	return in
}

// wantHL checks a figure's value (nil: no valid answer) and N, and that its
// interval contains the value.
func wantHL(t *testing.T, name string, f *Figure, hl float64, n int64, lowN bool) {
	t.Helper()
	if f == nil {
		t.Errorf("%s: missing", name)
		return
	}
	if math.IsNaN(hl) {
		if f.HL != nil || f.N != n {
			t.Errorf("%s: hl %s n %d, want no value, n %d", name, show(f.HL), f.N, n)
		}
		return
	}
	if f.HL == nil || math.Abs(*f.HL-hl) > 1e-9 || f.N != n || f.LowN != lowN {
		t.Errorf("%s: got hl %s n %d low_n %v, want hl %v n %d low_n %v", name, show(f.HL), f.N, f.LowN, hl, n, lowN)
		return
	}
	if *f.CILow > hl || hl > *f.CIHigh {
		t.Errorf("%s: %v outside [%v, %v]", name, hl, *f.CILow, *f.CIHigh)
	}
}

func show(p *float64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func byCode[T any](xs []T, code func(T) string) map[string]T {
	m := map[string]T{}
	for _, x := range xs {
		m[code(x)] = x
	}
	return m
}

func shares(t *testing.T, name string, d Distribution, n int64, lowN bool, want ...float64) {
	t.Helper()
	if d.N != n || d.LowN != lowN || len(d.Options) != len(want) {
		t.Errorf("%s: n %d low_n %v, %d options; want n %d low_n %v, %d options", name, d.N, d.LowN, len(d.Options), n, lowN, len(want))
		return
	}
	for i, w := range want {
		if s := d.Options[i].Share; s == nil || math.Abs(*s-w) > 1e-9 {
			t.Errorf("%s option %d: share %s, want %v", name, i, show(s), w)
		}
	}
}

// TestComputeCounter: which item feeds which figure, with values worked
// out by hand from the counts below.
func TestComputeCounter(t *testing.T) {
	in := instrument(t, "counter")
	tl := tallyOfUnits(map[string]*Cell{"u": hc(10, map[string]map[int]int64{
		"overall":     {5: 6, 4: 2, 3: 1, 1: 1}, // HL 8/10 = 80; mean (30+8+3+1)/10 = 4.2
		"a":           {5: 3, 4: 1, 2: 4, 0: 2}, // 4/8 = 50 (n/a left out)
		"b":           {4: 9, 1: 1},             // 90
		"c":           {3: 10},                  // "bình thường" is not satisfied: 0
		"d":           {0: 10},                  // all n/a: no value
		"e":           {5: 5, 1: 5},             // 50
		"harass":      {1: 7, 2: 2, 3: 1},
		"online_next": {1: 5, 3: 5},
	}, map[string]map[string]int64{"heard": {"radio": 4, "portal": 10}})})
	tl.Total.Comments = 3
	f := Compute(in, tl, AggPooled, "vi")
	if f.N != 10 || f.Comments != 3 {
		t.Errorf("n %d comments %d, want 10 and 3", f.N, f.Comments)
	}
	wantHL(t, "overall", f.Overall, 80, 10, true)
	if f.Overall.MeanScore == nil || math.Abs(*f.Overall.MeanScore-4.2) > 1e-9 {
		t.Errorf("overall mean score %s, want 4.2", show(f.Overall.MeanScore))
	}
	el := byCode(f.Elements, func(f Figure) string { return f.Code })
	wantHL(t, "A", ptrTo(el["A"]), 50, 8, true)
	wantHL(t, "B", ptrTo(el["B"]), 90, 10, true)
	wantHL(t, "C", ptrTo(el["C"]), 0, 10, true)
	wantHL(t, "D", ptrTo(el["D"]), math.NaN(), 0, true)
	wantHL(t, "E", ptrTo(el["E"]), 50, 10, true)
	// Service = mean of the criteria a, b, c, e (d has no answer, overall is
	// not a criterion): (50 + 90 + 0 + 50) / 4.
	wantHL(t, "service", f.Service, 47.5, 38, true)
	if len(f.Criteria) != 5 || f.Criteria[0].Element != "A" {
		t.Errorf("criteria %+v, want a–e with their elements", f.Criteria)
	}
	// An element of one criterion has that criterion's interval.
	if a := f.Criteria[0]; *a.CILow != *el["A"].CILow || *a.CIHigh != *el["A"].CIHigh {
		t.Errorf("element A interval differs from criterion a's")
	}
	if len(f.Perceptions) != 1 || f.Perceptions[0].Code != "harass" {
		t.Fatalf("perceptions %+v, want harass", f.Perceptions)
	}
	shares(t, "harass", f.Perceptions[0], 10, true, 70, 20, 10)
	if len(f.Choices) != 1 {
		t.Fatalf("choices %+v, want online_next", f.Choices)
	}
	shares(t, "online_next", f.Choices[0], 10, true, 50, 0, 50)
	heard := f.Multi[0]
	if heard.N != 10 || !heard.LowN || heard.Aggregation != "" {
		t.Errorf("heard: n %d low_n %v aggregation %q", heard.N, heard.LowN, heard.Aggregation)
	}
	for _, o := range heard.Options {
		want := map[string]float64{"radio": 40, "portal": 100}[o.Key]
		if o.Share == nil || *o.Share != want {
			t.Errorf("heard %s: %s, want %v", o.Key, show(o.Share), want)
		}
	}
	if f.Points != nil || len(f.Expectations) != 0 {
		t.Errorf("counter has no points nor expectations: %+v %+v", f.Points, f.Expectations)
	}
}

func ptrTo(f Figure) *Figure {
	if f.Code == "" {
		return nil
	}
	return &f
}

// TestComputeSIPASUnits: two units of unequal size, pooled and mean of units.
func TestComputeSIPASUnits(t *testing.T) {
	in := instrument(t, "sipas-2023")
	tl := tallyOfUnits(map[string]*Cell{
		"u1": hc(10, map[string]map[int]int64{
			"a1": {5: 10}, "a2": {4: 5, 2: 5}, "a3": {0: 10}, "b1": {4: 10},
			"exp_transparency": {1: 2, 2: 3, 3: 4, 4: 1}, "harass": {1: 10}, "suit_direct": {4: 10},
		}, map[string]map[string]int64{"heard": {"radio": 10}}),
		"u2": hc(30, map[string]map[int]int64{
			"a1": {1: 30}, "a2": {5: 30}, "a3": {4: 15, 3: 15},
			"exp_transparency": {3: 30}, "harass": {2: 30}, "suit_direct": {1: 30},
		}, nil),
	})
	for _, tt := range []struct {
		agg                  string
		a1, a2, a3, elA, svc float64
		exp, meanA1          float64
		aggLabel             string
	}{
		// Pooled: a1 10/40, a2 35/40, a3 15/30, b1 10/10; A = mean of a1–a3;
		// service = mean of the 4 criteria (not of the elements, 77.08);
		// expectation (3+4) 35/40; a1 mean (10×5 + 30×1)/40.
		{AggPooled, 25, 87.5, 50, (25 + 87.5 + 50) / 3.0, (25 + 87.5 + 50 + 100) / 4.0, 87.5, 2, ""},
		// Units: a1 (100+0)/2, a2 (50+100)/2, a3 only u2 (u1 all n/a): 50;
		// expectation (50+100)/2; a1 mean (5+1)/2.
		{AggUnits, 50, 75, 50, (50 + 75 + 50) / 3.0, (50 + 75 + 50 + 100) / 4.0, 75, 3, AggPooled},
	} {
		f := Compute(in, tl, tt.agg, "vi")
		cr := byCode(f.Criteria, func(f Figure) string { return f.Code })
		if len(cr) != 16 {
			t.Errorf("%s: %d criteria, want 16", tt.agg, len(cr))
		}
		// With units, a rate is flagged when any unit's N < 30 (u1 has 10).
		lowN := tt.agg == AggUnits
		wantHL(t, tt.agg+" a1", ptrTo(cr["a1"]), tt.a1, 40, lowN)
		wantHL(t, tt.agg+" a2", ptrTo(cr["a2"]), tt.a2, 40, lowN)
		wantHL(t, tt.agg+" a3", ptrTo(cr["a3"]), tt.a3, 30, false)
		wantHL(t, tt.agg+" b1", ptrTo(cr["b1"]), 100, 10, true)
		wantHL(t, tt.agg+" c1", ptrTo(cr["c1"]), math.NaN(), 0, true)
		if m := cr["a1"].MeanScore; m == nil || math.Abs(*m-tt.meanA1) > 1e-9 {
			t.Errorf("%s a1 mean score %s, want %v", tt.agg, show(m), tt.meanA1)
		}
		el := byCode(f.Elements, func(f Figure) string { return f.Code })
		wantHL(t, tt.agg+" A", ptrTo(el["A"]), tt.elA, 110, lowN)
		wantHL(t, tt.agg+" B", ptrTo(el["B"]), 100, 10, true)
		wantHL(t, tt.agg+" service", f.Service, tt.svc, 120, true)
		if len(f.Expectations) != 10 {
			t.Fatalf("%s: %d expectations, want 10", tt.agg, len(f.Expectations))
		}
		ex := byCode(f.Expectations, func(f Figure) string { return f.Code })
		wantHL(t, tt.agg+" exp_transparency", ptrTo(ex["exp_transparency"]), tt.exp, 40, lowN)
		pc := byCode(f.Perceptions, func(d Distribution) string { return d.Code })
		if len(pc) != 5 {
			t.Errorf("%s: perceptions %v, want harass, informal_pay and the 3 suitability items", tt.agg, len(pc))
		}
		shares(t, tt.agg+" harass", pc["harass"], 40, false, 25, 75, 0)
		shares(t, tt.agg+" suit_direct", pc["suit_direct"], 40, false, 75, 0, 0, 25)
		if d := pc["informal_pay"]; d.N != 0 || !d.LowN || len(d.Options) != 3 || d.Options[0].Share != nil {
			t.Errorf("%s informal_pay without answers: %+v, want 3 options without shares, low_n", tt.agg, d)
		}
		if pc["harass"].Aggregation != tt.aggLabel || f.Multi[0].Aggregation != tt.aggLabel {
			t.Errorf("%s: distributions say %q/%q, want %q", tt.agg, pc["harass"].Aggregation, f.Multi[0].Aggregation, tt.aggLabel)
		}
		if o := f.Multi[0].Options[0]; o.Key != "radio" || *o.Share != 25 || f.Multi[0].N != 40 {
			t.Errorf("%s: heard radio %+v, want 10 of 40 = 25", tt.agg, o)
		}
	}
}

// TestComputeTT01: points per indicator out of 2, total out of 18, grade
// band and the 3-level rating shares.
func TestComputeTT01(t *testing.T) {
	in := instrument(t, "tt01")
	h := map[string]map[int]int64{
		"i1":     {2: 4},       // 2
		"i2":     {2: 2, 1: 2}, // 1.5
		"i3":     {0: 4},       // 0 (0 points is an answer, not n/a)
		"rating": {1: 1, 2: 1, 3: 2},
	}
	for i := 4; i <= 9; i++ {
		h["i"+strconv.Itoa(i)] = map[int]int64{2: 3, 1: 1} // 1.75
	}
	for _, tt := range []struct {
		name       string
		i3         map[int]int64
		agg        string
		total      float64
		grade, lbl string
		aggLabel   string
	}{
		{"tốt", map[int]int64{0: 4}, AggPooled, 2 + 1.5 + 0 + 6*1.75, "tot", "Tốt", ""},                              // 14
		{"xuất sắc", map[int]int64{2: 3, 0: 1}, AggUnits, 2 + 1.5 + 1.5 + 6*1.75, "xuat_sac", "Xuất sắc", AggPooled}, // 15.5
		{"missing indicator", nil, AggPooled, math.NaN(), "", "", ""},
	} {
		cells := map[string]map[int]int64{}
		for k, v := range h {
			cells[k] = v
		}
		if tt.i3 == nil {
			delete(cells, "i3")
		} else {
			cells["i3"] = tt.i3
		}
		f := Compute(in, tallyOfUnits(map[string]*Cell{"u": hc(4, cells, nil)}), tt.agg, "vi")
		p := f.Points
		if p == nil || p.Max != 18 || len(p.Indicators) != 9 {
			t.Fatalf("%s: points %+v, want 9 indicators out of 18", tt.name, p)
		}
		if m := p.Indicators[1].Mean; m == nil || *m != 1.5 || p.Indicators[1].N != 4 || !p.Indicators[1].LowN {
			t.Errorf("%s: i2 = %s of %d, want 1.5 of 4 answers, low_n", tt.name, show(m), p.Indicators[1].N)
		}
		if !p.LowN || p.Aggregation != tt.aggLabel {
			t.Errorf("%s: low_n %v aggregation %q, want true and %q", tt.name, p.LowN, p.Aggregation, tt.aggLabel)
		}
		if math.IsNaN(tt.total) {
			if p.Total != nil || p.Grade != "" {
				t.Errorf("%s: total %s grade %q, want none", tt.name, show(p.Total), p.Grade)
			}
		} else if p.Total == nil || math.Abs(*p.Total-tt.total) > 1e-9 || p.Grade != tt.grade || p.GradeLabel != tt.lbl {
			t.Errorf("%s: total %s %q %q, want %v %q %q", tt.name, show(p.Total), p.Grade, p.GradeLabel, tt.total, tt.grade, tt.lbl)
		}
		if len(f.Choices) != 1 || f.Choices[0].Code != "rating" {
			t.Fatalf("%s: choices %+v, want the rating", tt.name, f.Choices)
		}
		shares(t, tt.name+" rating", f.Choices[0], 4, true, 25, 25, 50)
		if f.Service != nil || len(f.Criteria) != 0 {
			t.Errorf("%s: tt01 has no SIPAS criteria", tt.name)
		}
	}
}
