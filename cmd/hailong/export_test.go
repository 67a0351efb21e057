package main

// Helpers of the export tests that stay here (they run the CLI) and of
// other cmd tests: a settable clock, answers at a given time, downloads.

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"hailong/internal/app/apptest"
	"hailong/survey/period"
)

// exportClock is a settable test clock.
type exportClock struct{ ns atomic.Int64 }

func (c *exportClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func (c *exportClock) now() time.Time  { return time.Unix(0, c.ns.Load()) }

// answerWith submits answers at the clock's time to a desk.
func answerWith(t *testing.T, a *testApp, clock *exportClock, at time.Time, surveyURL, comment string) {
	t.Helper()
	clock.set(at)
	c := apptest.Client(t)
	form := apptest.GetForm(t, c, surveyURL)
	ans := apptest.ValidAnswers()
	ans.Set("comment", comment)
	if res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, ans); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST answer: %d", res.StatusCode)
	}
}

// waitN waits until the May indicators count n answers.
func waitN(t *testing.T, a *testApp, n int64) {
	t.Helper()
	apptest.WaitIndicators(t, a.URL, "from=2024-05-01&to=2024-05-31", n)
}

var vn = period.Vietnam
