package overview_test

// Helpers of the tests that drive the whole service over HTTP (apptest).

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"hailong/internal/app/apptest"
	"hailong/survey/period"
)

var vn = period.Vietnam

// manualClock is a settable test clock.
type manualClock struct{ ns atomic.Int64 }

func (c *manualClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func (c *manualClock) now() time.Time  { return time.Unix(0, c.ns.Load()) }

// report is the part of GET /api/v1/indicators these tests read.
type report struct {
	N        int64            `json:"n"`
	Channels map[string]int64 `json:"channels"`
	Series   []json.RawMessage
}

// answerWith sends valid answers with comment to a desk's form at the
// time at.
func answerWith(t *testing.T, s *apptest.Site, clk *manualClock, at time.Time, surveyURL, comment string) {
	t.Helper()
	clk.set(at)
	c := apptest.Client(t)
	form := apptest.GetForm(t, c, surveyURL)
	ans := apptest.ValidAnswers()
	ans.Set("comment", comment)
	if res := apptest.Post(t, c, s.URL+form.Action, form.Hidden, ans); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST answer: %d", res.StatusCode)
	}
}

// waitN waits until the May 2024 indicators count n answers.
func waitN(t *testing.T, s *apptest.Site, n int64) {
	t.Helper()
	s.WaitIndicators(t, "from=2024-05-01&to=2024-05-31", n)
}

// adminCall sends a JSON request with HTTP Basic as the admin.
func adminCall(t *testing.T, method, u string, body, out any) int {
	t.Helper()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:"+apptest.AdminPassword))
	return apptest.JSONCall(t, http.DefaultClient, method, u, body, out, "Authorization", basic)
}

// portalPost sends one portal form with the pick and answers; it returns
// the response and its body.
func portalPost(t *testing.T, c *http.Client, base string, form apptest.SurveyForm, where, served string, answers url.Values) (*http.Response, string) {
	t.Helper()
	pick := url.Values{}
	if where != "" {
		pick.Set("where", where)
	}
	if served != "" {
		pick.Set("served", served)
	}
	res := apptest.Post(t, c, base+form.Action, form.Hidden, apptest.MergeValues(pick, answers))
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}
