package main

// Helpers of the cmd tests that read the indicators API or recount the
// stored responses (the indicators tests themselves live in
// dashboard/overview, on the apptest versions of these).

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"testing"

	"hailong/internal/app/apptest"
	"hailong/survey"
	"hailong/survey/rollup"
)

// randomAnswers is a realistic mix: mostly 4–5, some 1–3, some "không áp dụng".
func randomAnswers(rng *rand.Rand) url.Values { return apptest.RandomAnswers(rng) }

// getJSON GETs u as the admin (HTTP Basic), decodes the answer into out
// (when not nil) and returns the status.
func getJSON(t *testing.T, u string, out any) int {
	t.Helper()
	return apptest.GetJSON(t, u, out)
}

type apiReport struct {
	N        int64            `json:"n"`
	Channels map[string]int64 `json:"channels"`
	Series   []json.RawMessage
}

// tallyOf counts the selected responses directly, without rollups.
func tallyOf(all []survey.Response, sel func(survey.Response) bool) *rollup.Tally {
	return apptest.TallyOf(all, sel)
}

// assertSameFigures compares the API's figures with the recount's, to
// the last digit of every float.
func assertSameFigures(t *testing.T, name string, api json.RawMessage, want rollup.Figures) {
	t.Helper()
	apptest.AssertSameFigures(t, name, api, want)
}
