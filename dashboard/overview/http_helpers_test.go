package overview_test

// Helpers of the tests that drive the whole service over HTTP (apptest).

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"hailong/internal/app/apptest"
	"hailong/survey/period"
)

var vn = period.Vietnam

// report is the part of GET /api/v1/indicators these tests read.
type report struct {
	N        int64            `json:"n"`
	Channels map[string]int64 `json:"channels"`
	Series   []json.RawMessage
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
