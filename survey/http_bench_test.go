package survey_test

import (
	"net/http"
	"sort"
	"testing"
	"time"

	"hailong/internal/app/apptest"
)

// BenchmarkSubmitHTTP measures one citizen's submission over HTTP (form
// GET, then POST → 303) on the embedded stores, one at a time: the latency
// a phone sees, without load. Reports p50/p99 of the POST.
func BenchmarkSubmitHTTP(b *testing.B) {
	a := apptest.Start(b, apptest.Options{})
	desks := a.Desks(b)
	c := apptest.Client(b)
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		form := apptest.GetForm(b, c, desks[i%len(desks)].SurveyURL)
		b.StartTimer()
		start := time.Now()
		res, err := c.PostForm(a.URL+form.Action, apptest.MergeValues(form.Hidden, apptest.ValidAnswers()))
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			b.Fatalf("POST: %d", res.StatusCode)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
