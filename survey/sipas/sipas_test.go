package sipas

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

func TestWilsonKnownValues(t *testing.T) {
	// Reference values: Wilson (1927) score interval, z = 1.96, as computed
	// by R's prop.test(correct = FALSE) / statsmodels proportion_confint(method="wilson").
	tests := []struct {
		k, n   int64
		lo, hi float64
	}{
		{0, 10, 0, 27.75},
		{10, 10, 72.25, 100},
		{5, 10, 23.66, 76.34},
		{81, 263, 25.53, 36.62}, // Wikipedia, "Binomial proportion confidence interval"
		{1, 1, 20.65, 100},
		{45, 50, 78.64, 95.65},
	}
	for _, tt := range tests {
		lo, hi := Wilson(tt.k, tt.n)
		if !near(lo, tt.lo) || !near(hi, tt.hi) {
			t.Errorf("Wilson(%d, %d) = [%.3f, %.3f], want [%.2f, %.2f]", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
	if lo, hi := Wilson(0, 0); lo != 0 || hi != 0 {
		t.Errorf("Wilson(0, 0) = [%v, %v]", lo, hi)
	}
}

func TestSatisfied(t *testing.T) {
	tests := []struct {
		name  string
		h     Hist
		value float64
		n     int64
		lowN  bool
		valid bool
	}{
		{"empty", Hist{}, 0, 0, true, false},
		{"all không áp dụng", Hist{0: 40}, 0, 0, true, false},
		{"all satisfied", Hist{4: 20, 5: 20}, 100, 40, false, true},
		{"bình thường is not satisfied", Hist{3: 10, 4: 10, 5: 10}, 200.0 / 3, 30, false, true},
		{"n/a excluded from N", Hist{0: 100, 1: 1, 5: 3}, 75, 4, true, true},
		{"below 30", Hist{2: 5, 4: 24}, 24.0 / 29 * 100, 29, true, true},
		{"codes out of range ignored", Hist{6: 9, -1: 2, 5: 30}, 100, 30, false, true},
		{"none satisfied", Hist{1: 10, 2: 10, 3: 10}, 0, 30, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Satisfied(tt.h)
			if !near(r.Value, tt.value) || r.N != tt.n || r.LowN != tt.lowN || r.Valid != tt.valid {
				t.Errorf("got %+v, want value %.3f n %d lowN %v valid %v", r, tt.value, tt.n, tt.lowN, tt.valid)
			}
			if r.Valid && (r.CILow > r.Value || r.CIHigh < r.Value) {
				t.Errorf("interval [%v, %v] does not contain %v", r.CILow, r.CIHigh, r.Value)
			}
		})
	}
}

func TestMeanOfRates(t *testing.T) {
	// Element index = mean of criteria HL, not pooled answers: 100 % of 10
	// and 50 % of 30 give 75 %, not 62.5 %.
	r := MeanOfRates([]Rate{Proportion(10, 10), Proportion(15, 30), {}})
	if !near(r.Value, 75) || r.N != 40 || !r.LowN || !r.Valid {
		t.Errorf("got %+v", r)
	}
	if r := MeanOfRates(nil); r.Valid {
		t.Errorf("mean of nothing is valid: %+v", r)
	}
	// Intervals with unequal N: the mean of the criteria's Wilson bounds.
	// Wilson bounds computed apart (z = 1.96, Python): 900/1000 → 87.98–91.71,
	// 10/50 → 11.24–33.04, 10/10 → 72.25–100, 15/30 → 33.15–66.85,
	// 0/40 → 0–8.76, 50/50 → 92.87–100, 1/1 → 20.65–100.
	for _, tt := range []struct {
		name       string
		rates      []Rate
		hl, lo, hi float64
	}{
		{"audit case: E with many n/a", []Rate{Proportion(900, 1000), Proportion(10, 50)}, 55, 49.61, 62.37},
		{"100 % of 10 and 50 % of 30", []Rate{Proportion(10, 10), Proportion(15, 30)}, 75, 52.70, 83.42},
		{"0 % and 100 %", []Rate{Proportion(0, 40), Proportion(50, 50)}, 50, 46.43, 54.38},
		{"one criterion is its own interval", []Rate{Proportion(10, 50)}, 20, 11.24, 33.04},
		{"tiny N", []Rate{Proportion(1, 1), Proportion(900, 1000), Proportion(0, 40)}, 63.33, 36.21, 66.82},
	} {
		r := MeanOfRates(tt.rates)
		if !r.Valid || math.Abs(r.Value-tt.hl) > 0.01 || math.Abs(r.CILow-tt.lo) > 0.01 || math.Abs(r.CIHigh-tt.hi) > 0.01 {
			t.Errorf("%s: got %.2f [%.2f, %.2f], want %.2f [%.2f, %.2f]", tt.name, r.Value, r.CILow, r.CIHigh, tt.hl, tt.lo, tt.hi)
		}
		if r.CILow > r.Value || r.Value > r.CIHigh || r.CILow < 0 || r.CIHigh > 100 {
			t.Errorf("%s: %.2f outside its interval [%.2f, %.2f] or out of 0–100", tt.name, r.Value, r.CILow, r.CIHigh)
		}
	}
}

func TestShareAndDistribution(t *testing.T) {
	h := Hist{1: 10, 2: 30, 3: 40, 4: 20}
	if r := Share(h, []int{1, 2, 3, 4}, []int{3, 4}); !near(r.Value, 60) || r.N != 100 {
		t.Errorf("expectation share = %+v, want 60 %% of 100", r)
	}
	d := Distribution(Hist{1: 90, 2: 9, 3: 1}, []int{1, 2, 3})
	want := []float64{90, 9, 1}
	for i, o := range d {
		if !near(o.Rate.Value, want[i]) || o.Rate.N != 100 {
			t.Errorf("option %d = %+v, want %v %%", o.Code, o.Rate, want[i])
		}
	}
}

func TestMeanScoreAndPoints(t *testing.T) {
	if m := MeanScore(Hist{1: 1, 5: 3, 0: 7}, []int{1, 2, 3, 4, 5}); !near(m.Value, 4) || m.N != 4 {
		t.Errorf("mean = %+v, want 4 over 4 answers", m)
	}
	full := make([]Hist, 9)
	for i := range full {
		full[i] = Hist{2: 3, 1: 1} // mean 1.75
	}
	p := Score(full)
	if !p.Valid || !near(p.Total, 15.75) || p.Grade != GradeExcellent {
		t.Errorf("score = %+v, want 15.75 xuất sắc", p)
	}
	full[8] = Hist{}
	if p := Score(full); p.Valid {
		t.Errorf("score with an unanswered indicator is valid: %+v", p)
	}
	for _, tt := range []struct {
		total float64
		want  Grade
	}{{18, GradeExcellent}, {15.01, GradeExcellent}, {15, GradeGood}, {12, GradeGood}, {11.99, GradeFair}, {9, GradeFair}, {8.5, GradeAverage}, {6, GradeAverage}, {5.99, GradePoor}, {0, GradePoor}} {
		if got := GradeOf(tt.total); got != tt.want {
			t.Errorf("GradeOf(%v) = %v, want %v", tt.total, got, tt.want)
		}
	}
}
