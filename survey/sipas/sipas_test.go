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
	if lo, hi := Wilson(25, 40); !near(r.CILow, lo) || !near(r.CIHigh, hi) {
		t.Errorf("interval [%v, %v], want pooled Wilson [%v, %v]", r.CILow, r.CIHigh, lo, hi)
	}
	if r := MeanOfRates(nil); r.Valid {
		t.Errorf("mean of nothing is valid: %+v", r)
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
