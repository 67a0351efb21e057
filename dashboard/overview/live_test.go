package overview

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// Flushes announced every 40 ms reach an open dashboard at most once a
// second, and the last one is not lost.
func TestLiveCoalescesToOneASecond(t *testing.T) {
	h := &Handler{live: NewLive()}
	defer h.live.Close()
	e := echo.New()
	e.GET("/live", h.apiLive)
	srv := httptest.NewServer(e)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/live")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := make(chan time.Time, 100)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "event: update") {
				events <- time.Now()
			}
		}
	}()
	time.Sleep(100 * time.Millisecond) // the stream is registered
	start := time.Now()
	for time.Since(start) < 2500*time.Millisecond {
		h.live.Notify()
		time.Sleep(40 * time.Millisecond)
	}
	lastNotify := time.Now()
	var got []time.Time
	for done := time.After(1500 * time.Millisecond); ; {
		select {
		case at := <-events:
			got = append(got, at)
			continue
		case <-done:
		}
		break
	}
	for _, at := range got {
		t.Logf("update at %v", at.Sub(start))
	}
	if len(got) < 3 || len(got) > 4 {
		t.Fatalf("%d updates for 2.5 s of flushes every 40 ms, want 3 or 4 (one a second)", len(got))
	}
	for i := 1; i < len(got); i++ {
		if gap := got[i].Sub(got[i-1]); gap < 950*time.Millisecond {
			t.Errorf("updates %d and %d only %v apart", i-1, i, gap)
		}
	}
	if last := got[len(got)-1]; last.Before(lastNotify.Add(-time.Second)) {
		t.Errorf("the last flush (at %v) was never announced; last update at %v", lastNotify.Sub(start), last.Sub(start))
	}
}
