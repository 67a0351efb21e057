package overview_test

import (
	"bufio"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"hailong/internal/app/apptest"
)

// BenchmarkLiveUnderLoad: 200 dashboards hold an SSE stream open while
// answers arrive at 200/s for 10 s (open loop, embedded stores). Like the
// page's script, each dashboard re-reads the overview on every update
// (at most one a second). Reports the submission POST p50/p99, the
// re-read p99 and, after a final answer, how long until every dashboard
// got its update (p99 over the 200 clients).
func BenchmarkLiveUnderLoad(b *testing.B) {
	const clients, rate, seconds = 200, 200, 10
	a := apptest.Start(b, apptest.Options{})
	desks := a.Desks(b)
	session, _ := apptest.Admin(b, a.URL)

	var pageMu sync.Mutex
	var pages []time.Duration
	refresh := func() {
		start := time.Now()
		// As the page's script does: only the part it replaces.
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/", nil)
		req.Header.Set("X-Hailong-Live", "1")
		res, err := session.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Errorf("overview: %d", res.StatusCode)
		}
		pageMu.Lock()
		pages = append(pages, time.Since(start))
		pageMu.Unlock()
	}
	events := make([]chan time.Time, clients)
	var ready sync.WaitGroup
	for i := range events {
		events[i] = make(chan time.Time, 64)
		ready.Add(1)
		go func(ch chan time.Time) {
			req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/live", nil)
			res, err := session.Do(req)
			if err != nil {
				b.Error(err)
				ready.Done()
				return
			}
			defer res.Body.Close()
			ready.Done()
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "event: update") {
					select {
					case ch <- time.Now():
					default:
					}
					// The page's script waits up to 500 ms at random.
					go func() { time.Sleep(time.Duration(rand.Int64N(int64(500 * time.Millisecond)))); refresh() }()
				}
			}
		}(events[i])
	}
	ready.Wait()

	submit := func() time.Duration {
		c := apptest.Client(b)
		form := apptest.GetForm(b, c, desks[time.Now().Nanosecond()%len(desks)].SurveyURL)
		start := time.Now()
		res, err := c.PostForm(a.URL+form.Action, apptest.MergeValues(form.Hidden, apptest.ValidAnswers()))
		if err != nil {
			b.Error(err)
			return 0
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			b.Errorf("POST: %d", res.StatusCode)
		}
		return time.Since(start)
	}
	b.ResetTimer()
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / rate)
	for i := 0; i < rate*seconds; i++ {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := submit()
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}()
	}
	tick.Stop()
	wg.Wait()
	b.StopTimer()

	// Drain, then time one answer to every dashboard.
	time.Sleep(2500 * time.Millisecond)
	for _, ch := range events {
		for len(ch) > 0 {
			<-ch
		}
	}
	sent := time.Now()
	submit()
	var delays []time.Duration
	for _, ch := range events {
		select {
		case at := <-ch:
			delays = append(delays, at.Sub(sent))
		case <-time.After(5 * time.Second):
			delays = append(delays, 5*time.Second)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	time.Sleep(2 * time.Second) // the last re-reads
	pageMu.Lock()
	defer pageMu.Unlock()
	sort.Slice(pages, func(i, j int) bool { return pages[i] < pages[j] })
	if len(pages) == 0 {
		b.Fatal("no dashboard re-read the overview")
	}
	b.ReportMetric(float64(len(pages)), "rereads")
	b.ReportMetric(float64(pages[len(pages)*99/100].Microseconds())/1000, "reread-p99-ms")
	b.ReportMetric(float64(len(lat))/float64(seconds), "submits/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "post-p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "post-p99-ms")
	b.ReportMetric(float64(delays[len(delays)*99/100].Microseconds())/1000, "update-p99-ms")
}
