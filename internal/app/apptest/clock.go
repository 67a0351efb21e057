package apptest

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"hailong/survey/period"
)

// Clock is a settable time for Options.Now: tests move it across days
// and months. The zero Clock reads the Unix epoch until Set.
type Clock struct{ ns atomic.Int64 }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(0, c.ns.Load()) }

// AnswerAt sets clk to at and sends valid answers with comment to a
// desk's form, from a fresh client; the answer must be stored (303).
func AnswerAt(t testing.TB, base string, clk *Clock, at time.Time, surveyURL, comment string) {
	t.Helper()
	clk.Set(at)
	c := Client(t)
	form := GetForm(t, c, surveyURL)
	ans := ValidAnswers()
	ans.Set("comment", comment)
	if res := Post(t, c, base+form.Action, form.Hidden, ans); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST answer: %d", res.StatusCode)
	}
}

// WaitMay2024 waits until the indicators of May 2024, the month the
// export and overview tests fill, count n answers.
func WaitMay2024(t testing.TB, base string, n int64) {
	t.Helper()
	WaitIndicators(t, base, "from=2024-05-01&to=2024-05-31", n)
}

// Today is today's date in Vietnam, as the indicators API's from and to
// take it ("2006-01-02").
func Today() string { return time.Now().In(period.Vietnam).Format("2006-01-02") }

// FillMay2024 sends the answers the month-export tests read, each at its
// time on clk (Vietnam time): four in May 2024 at vt-p1 and vt-p7, one of
// them at 23:30 on the 31st and one with a comment that looks like a
// spreadsheet formula, and one on 1 June. It waits until May counts the
// four and returns the survey URL of the first desk of each unit.
func FillMay2024(t testing.TB, base string, clk *Clock) map[string]string {
	t.Helper()
	byUnit := map[string]string{}
	for _, d := range Desks(t, base) {
		if byUnit[d.Unit] == "" {
			byUnit[d.Unit] = d.SurveyURL
		}
	}
	may := func(d, h, m int) time.Time { return time.Date(2024, 5, d, h, m, 0, 0, period.Vietnam) }
	AnswerAt(t, base, clk, may(2, 8, 0), byUnit["vt-p1"], "Cán bộ hướng dẫn tận tình.")
	AnswerAt(t, base, clk, may(15, 10, 0), byUnit["vt-p7"], "=HYPERLINK(\"http://x\";\"bấm\")")
	AnswerAt(t, base, clk, may(20, 14, 0), byUnit["vt-p1"], "Nên có thêm ghế chờ.")
	AnswerAt(t, base, clk, may(31, 23, 30), byUnit["vt-p7"], "Cuối tháng vẫn phục vụ tốt.")
	AnswerAt(t, base, clk, time.Date(2024, 6, 1, 0, 30, 0, 0, period.Vietnam), byUnit["vt-p1"], "Đầu tháng Sáu.")
	WaitMay2024(t, base, 4)
	return byUnit
}
