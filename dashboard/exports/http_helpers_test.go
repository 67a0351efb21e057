package exports_test

// Helpers of the tests that drive the whole service over HTTP (apptest).

import (
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"hailong/internal/app/apptest"
	"hailong/survey/period"
)

var vn = period.Vietnam

// basicPost POSTs to u as admin with HTTP Basic and returns the status and body.
func basicPost(t *testing.T, u string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, nil)
	req.SetBasicAuth("admin", apptest.AdminPassword)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

type apiFig struct {
	HL     *float64 `json:"hl"`
	N      int64    `json:"n"`
	CILow  *float64 `json:"ci_low"`
	CIHigh *float64 `json:"ci_high"`
	LowN   bool     `json:"low_n"`
}

// checkSummary compares every figure of "Tổng hợp" with the indicators API.
func checkSummary(t *testing.T, base string, rows [][]string) {
	t.Helper()
	if len(rows) < 4 || !strings.Contains(rows[0][0], "05/2024") {
		t.Fatalf("Tổng hợp: %d rows, title %q", len(rows), rows[0])
	}
	num := func(s string) *float64 {
		if s == "" {
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("cell %q: %v", s, err)
		}
		v *= 100
		return &v
	}
	same := func(what string, got, want *float64) {
		if (got == nil) != (want == nil) || (got != nil && math.Abs(*got-*want) > 1e-9) {
			t.Errorf("%s: xlsx %v, API %v", what, fmtp(got), fmtp(want))
		}
	}
	for _, r := range rows[2:] {
		for len(r) < 12 {
			r = append(r, "")
		}
		q := "from=2024-05-01&to=2024-05-31"
		if r[0] != "(tổng)" {
			q += "&unit=" + url.QueryEscape(r[0])
		}
		var rep struct {
			N        int64    `json:"n"`
			Service  *apiFig  `json:"service"`
			Elements []apiFig `json:"elements"`
		}
		if apptest.GetJSON(t, base+"/api/v1/indicators?"+q, &rep) != 200 {
			t.Fatalf("indicators %s", q)
		}
		if strconv.FormatInt(rep.N, 10) != r[2] {
			t.Errorf("%s: N %s, API %d", r[0], r[2], rep.N)
		}
		if rep.Service == nil {
			rep.Service = &apiFig{LowN: true}
		}
		same(r[0]+" service", num(r[3]), rep.Service.HL)
		same(r[0]+" ci_low", num(r[4]), rep.Service.CILow)
		same(r[0]+" ci_high", num(r[5]), rep.Service.CIHigh)
		if (r[6] == "x") != rep.Service.LowN {
			t.Errorf("%s: low-N mark %q, API %v", r[0], r[6], rep.Service.LowN)
		}
		for i, e := range rep.Elements {
			same(r[0]+" element "+strconv.Itoa(i), num(r[7+i]), e.HL)
		}
		if len(rep.Elements) == 0 && r[7] != "" {
			t.Errorf("%s: element figures without answers", r[0])
		}
	}
}

func fmtp(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
