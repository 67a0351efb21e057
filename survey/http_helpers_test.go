package survey_test

// Helpers of the tests that drive the whole service over HTTP (apptest).

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/survey/period"
)

// limitsOn turns on the production defaults of the abuse limits, which
// apptest turns off.
func limitsOn(c *app.Config) {
	c.Limits.IPPerHour = 60
	c.Limits.DevicePerWindow = 1
	c.Limits.DeviceWindow = 12 * time.Hour
	c.Limits.DeskPerMinute = 30
}

// metric returns the sum of the /metrics samples of name whose labels
// include every one of labels (`limit="device"`...).
func metric(t *testing.T, base, name string, labels ...string) float64 {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d", res.StatusCode)
	}
	var sum float64
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(line, l)
		}
		if ok {
			f, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			if err != nil {
				t.Fatalf("metric line %q: %v", line, err)
			}
			sum += f
		}
	}
	return sum
}

// deskN waits until the indicators of desk count want answers on day.
func deskN(t *testing.T, s *apptest.Site, desk, day string, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var rep apptest.Report
	for {
		if code := apptest.GetJSON(t, s.URL+"/api/v1/indicators?desk="+desk+"&from="+day+"&to="+day, &rep); code != http.StatusOK {
			t.Fatalf("indicators: %d", code)
		}
		if rep.N == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("indicators of %s count %d answers, want %d", desk, rep.N, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func today() string { return time.Now().In(period.Vietnam).Format("2006-01-02") }
