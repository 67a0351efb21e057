// Package period is the service's calendar: days and months drawn in
// Vietnam time (Asia/Ho_Chi_Minh), as every figure, export and closing is.
// Instants are stored in UTC; only boundaries are Vietnamese.
package period

import (
	"time"
)

// Vietnam is the time zone of every date boundary the service draws.
var Vietnam = loadVietnam()

func loadVietnam() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		// Vietnam has had no DST since 1975: a fixed zone is exact.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// Grains of periods.
const (
	GrainDay   = "day"
	GrainMonth = "month"
)

// Period is one day or one month in Vietnam time.
type Period struct {
	Grain string
	Start time.Time // midnight Vietnam time
}

// DayOf returns the day containing t, in Vietnam time.
func DayOf(t time.Time) Period {
	v := t.In(Vietnam)
	return Period{GrainDay, time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, Vietnam)}
}

// MonthOf returns the month containing t, in Vietnam time.
func MonthOf(t time.Time) Period {
	v := t.In(Vietnam)
	return Period{GrainMonth, time.Date(v.Year(), v.Month(), 1, 0, 0, 0, 0, Vietnam)}
}

// End returns the start of the next period.
func (p Period) End() time.Time {
	if p.Grain == GrainDay {
		return p.Start.AddDate(0, 0, 1)
	}
	return p.Start.AddDate(0, 1, 0)
}

// Label is "2024-05-31" or "2024-05".
func (p Period) Label() string {
	if p.Grain == GrainDay {
		return p.Start.Format("2006-01-02")
	}
	return p.Start.Format("2006-01")
}

// Cover returns the fewest periods that together are exactly the days
// [from, to] (inclusive, Vietnam dates): the whole months inside, and the
// days at the edges. A figure over [from, to] reads one rollup per period.
func Cover(from, to time.Time) []Period {
	from, to = DayOf(from).Start, DayOf(to).Start
	var out []Period
	for d := from; !d.After(to); {
		m := MonthOf(d)
		if d.Equal(m.Start) && !m.End().AddDate(0, 0, -1).After(to) {
			out = append(out, m)
			d = m.End()
			continue
		}
		out = append(out, DayOf(d))
		d = d.AddDate(0, 0, 1)
		// AddDate keeps the wall clock; Vietnam has no DST, so midnight stays midnight.
		d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Vietnam)
	}
	return out
}

// Days lists every day of [from, to].
func Days(from, to time.Time) []Period {
	var out []Period
	for d := DayOf(from); !d.Start.After(DayOf(to).Start); d = DayOf(d.End()) {
		out = append(out, d)
	}
	return out
}

// ParseMonth reads "2024-05" as the first instant of that month in Vietnam time.
func ParseMonth(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01", s, Vietnam)
	return t, err == nil && len(s) == 7
}

// ParseDay reads "2024-05-31" as midnight of that day in Vietnam time.
func ParseDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", s, Vietnam)
	return t, err == nil
}
