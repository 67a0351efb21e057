package survey_test

// Helpers of the tests that drive the whole service over HTTP (apptest).

import (
	"net/http"
	"testing"
	"time"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
)

// limitsOn turns on the production defaults of the abuse limits, which
// apptest turns off.
func limitsOn(c *app.Config) {
	c.Limits.IPPerHour = 60
	c.Limits.DevicePerWindow = 1
	c.Limits.DeviceWindow = 12 * time.Hour
	c.Limits.DeskPerMinute = 30
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
