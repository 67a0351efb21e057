// Package sipas is the index arithmetic of the Ministry of Home Affairs'
// satisfaction method (SIPAS, QĐ 1001/QĐ-BNV 2023) and of the TT 01/2018
// one-stop evaluation, on answer histograms. It is pure: no I/O, no clock.
package sipas

import (
	"math"
	"sort"
)

// Hist counts answers by code for one question. For satisfaction items
// 1–5 are ratings and 0 is "không áp dụng", which is never an answer.
type Hist map[int]int64

// Add adds o into h.
func (h Hist) Add(o Hist) {
	for code, n := range o {
		h[code] += n
	}
}

// MinN is the sample size under which a figure is shown but not ranked.
const MinN = 30

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// Rate is a percentage (0–100) of N answers with its 95 % Wilson interval.
// With N = 0 the value is undefined and Valid is false.
type Rate struct {
	Value  float64
	N      int64
	CILow  float64
	CIHigh float64
	LowN   bool
	Valid  bool
}

// Proportion returns k successes out of n as a Rate.
func Proportion(k, n int64) Rate {
	if n <= 0 {
		return Rate{LowN: true}
	}
	lo, hi := Wilson(k, n)
	return Rate{Value: 100 * float64(k) / float64(n), N: n, CILow: lo, CIHigh: hi, LowN: n < MinN, Valid: true}
}

// Wilson returns the 95 % Wilson score interval of k out of n, in percent.
// Unlike the normal approximation it stays inside 0–100 and behaves at
// 0 % and 100 %, which small desks hit often.
func Wilson(k, n int64) (lo, hi float64) {
	if n <= 0 {
		return 0, 0
	}
	nf := float64(n)
	p := float64(k) / nf
	z2 := z95 * z95
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := z95 / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = 100*math.Max(0, center-half), 100*math.Min(1, center+half)
	// Exact at the ends: floating point must not put 100 % outside its own interval.
	if k == 0 {
		lo = 0
	}
	if k == n {
		hi = 100
	}
	return lo, hi
}

// Satisfied is the SIPAS criterion index HL = (n4 + n5) / N × 100, where N
// counts valid ratings 1–5. "Bình thường" (3) is not satisfied.
func Satisfied(h Hist) Rate {
	var k, n int64
	for code := 1; code <= 5; code++ {
		n += h[code]
		if code >= 4 {
			k += h[code]
		}
	}
	return Proportion(k, n)
}

// Share returns the share of answers with a code in success among answers
// with a code in valid.
func Share(h Hist, valid, success []int) Rate {
	var k, n int64
	for _, c := range valid {
		n += h[c]
	}
	for _, c := range success {
		k += h[c]
	}
	return Proportion(k, n)
}

// MeanOfRates is the method's element and service index: the plain mean of
// the criteria's rates. Criteria without answers are left out. N is the
// number of valid answers over all criteria.
//
// The interval is the mean of the criteria's Wilson bounds. Each criterion
// has its own N (many answer "không áp dụng" to element E), so a Wilson
// interval of the pooled answers is centred on the pooled rate, not on the
// mean, and can exclude it (900/1000 and 10/50: mean 55 %, pooled interval
// 84.5–88.6 %). The mean of the bounds always contains the mean of the
// rates, stays inside 0–100 (also at 0 % and 100 %, where a normal
// approximation collapses) and is the criterion's own interval when there
// is one. It is conservative (as wide as if the criteria moved together,
// which answers of one person to several criteria partly do).
// LowN is set when any included criterion has N < MinN.
func MeanOfRates(rates []Rate) Rate {
	var sum, lo, hi float64
	var used int
	var n int64
	lowN := false
	for _, r := range rates {
		if !r.Valid {
			continue
		}
		sum += r.Value
		lo += r.CILow
		hi += r.CIHigh
		used++
		n += r.N
		lowN = lowN || r.LowN
	}
	if used == 0 {
		return Rate{LowN: true}
	}
	m := float64(used)
	return Rate{Value: sum / m, N: n, CILow: lo / m, CIHigh: hi / m, LowN: lowN, Valid: true}
}

// Mean is an average score over the codes in valid, with its count.
type Mean struct {
	Value float64
	N     int64
	Valid bool
}

// MeanScore averages the codes in valid (e.g. 1–5, or 0–2 points).
func MeanScore(h Hist, valid []int) Mean {
	var sum float64
	var n int64
	for _, c := range valid {
		sum += float64(c) * float64(h[c])
		n += h[c]
	}
	if n == 0 {
		return Mean{}
	}
	return Mean{Value: sum / float64(n), N: n, Valid: true}
}

// Option is one answer option's share in a distribution.
type Option struct {
	Code int
	Rate Rate
}

// Distribution returns the share of each code among all answers with a
// code in valid, in the order of valid.
func Distribution(h Hist, valid []int) []Option {
	var n int64
	for _, c := range valid {
		n += h[c]
	}
	out := make([]Option, 0, len(valid))
	for _, c := range valid {
		out = append(out, Option{Code: c, Rate: Proportion(h[c], n)})
	}
	return out
}

// Grade is a TT 01/2018 total score band.
type Grade string

// Grades of a unit's total score out of 18, as one province grades them
// (sipas-notes.md; the bands may be local).
const (
	GradeExcellent Grade = "xuat_sac"   // > 15
	GradeGood      Grade = "tot"        // 12 – 15
	GradeFair      Grade = "kha"        // 9 – < 12
	GradeAverage   Grade = "trung_binh" // 6 – < 9
	GradePoor      Grade = "yeu"        // < 6
)

// GradeOf returns the band of a total score out of 18.
func GradeOf(total float64) Grade {
	switch {
	case total > 15:
		return GradeExcellent
	case total >= 12:
		return GradeGood
	case total >= 9:
		return GradeFair
	case total >= 6:
		return GradeAverage
	default:
		return GradePoor
	}
}

// Points is the TT 01/2018 score of a set of evaluated dossiers: the mean
// of each indicator (0–2) and their sum (0–18).
type Points struct {
	Indicators []Mean
	Total      float64
	Grade      Grade
	Valid      bool
}

// Score sums the per-indicator means. Every indicator must have answers for
// the total to be valid: a missing one would silently lower the grade.
func Score(indicators []Hist) Points {
	p := Points{Valid: len(indicators) > 0}
	for _, h := range indicators {
		m := MeanScore(h, []int{0, 1, 2})
		p.Indicators = append(p.Indicators, m)
		if !m.Valid {
			p.Valid = false
		}
		p.Total += m.Value
	}
	if p.Valid {
		p.Grade = GradeOf(p.Total)
	}
	return p
}

// Codes returns the codes present in h, sorted; for tests and exports.
func (h Hist) Codes() []int {
	out := make([]int, 0, len(h))
	for c := range h {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}
