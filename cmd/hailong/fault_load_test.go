package main

import (
	"encoding/base64"
	"flag"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hailong/internal/app/apptest"
	"hailong/internal/loadtest"
)

// The fault runs are short by default so that `go test ./...` (CI, with
// -race) stays fast; the flags give the long versions (docs/BENCHMARKS.md).
var (
	faultRounds   = flag.Int("fault.rounds", 10, "fault runs: kill -9 rounds of the app under load")
	faultDuration = flag.Duration("fault.duration", time.Second, "fault runs: length of each load phase (before, during and after a fault)")
	faultWorkers  = flag.Int("fault.workers", 8, "fault runs: concurrent simulated citizens")
)

// skipShortFault skips a fault run under -short.
func skipShortFault(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("fault run under load; skipped with -short")
	}
}

// faultLoad is closed-loop load of citizens, each with a fresh phone
// (cookie jar): GET a desk's form, POST valid answers. It records every
// acknowledged (303) answer by the nonce in its form ticket. A POST that
// gets no HTTP answer at all (the process died) is resent with the same
// form, like a phone retrying, until it gets one.
type faultLoad struct {
	target func(n uint64) (base, path string) // where citizen n answers

	stop chan struct{}
	once sync.Once
	wg   sync.WaitGroup
	next atomic.Uint64

	mu     sync.Mutex
	acked  map[string]int // nonce → 303s received for it
	posts  map[int]int    // POST status → count
	gets   map[int]int    // GET status → count (0: no HTTP answer)
	resent int            // answers resent after getting no answer
	bad503 []string       // 503 pages without the Vietnamese "try again"
	// formDropped counts 503 answers to a POST that did not give the
	// form back with the citizen's answers (a bare error page).
	formDropped int
	events      []postEvent // every POST outcome in order
	noNonce     int         // forms whose ticket held no nonce
	otherPost   []string    // unexpected POST answers, for the failure message
}

type postEvent struct {
	at     time.Time // when the answer came
	took   time.Duration
	status int
}

// startFaultLoad starts workers citizens in a loop until finish (at the
// latest when the test ends).
func startFaultLoad(t *testing.T, workers int, target func(n uint64) (base, path string)) *faultLoad {
	l := &faultLoad{target: target, stop: make(chan struct{}),
		acked: map[string]int{}, posts: map[int]int{}, gets: map[int]int{}}
	for w := 0; w < workers; w++ {
		l.wg.Add(1)
		go func(w int) {
			defer l.wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for !l.stopped() {
				l.citizen(rng)
			}
		}(w)
	}
	t.Cleanup(l.finish)
	return l
}

func (l *faultLoad) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

// finish stops the load and waits for every citizen in flight. Calling it
// again does nothing.
func (l *faultLoad) finish() {
	l.once.Do(func() { close(l.stop) })
	l.wg.Wait()
}

func (l *faultLoad) citizen(rng *rand.Rand) {
	base, path := l.target(l.next.Add(1))
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(base + path)
	if err != nil {
		l.count(l.gets, 0)
		time.Sleep(20 * time.Millisecond) // the process is down: do not spin
		return
	}
	action, hidden, perr := loadtest.ParseSurveyForm(res.Body)
	res.Body.Close()
	l.count(l.gets, res.StatusCode)
	if perr != nil || res.StatusCode != http.StatusOK || action == "" {
		time.Sleep(20 * time.Millisecond)
		return
	}
	nonce := ticketNonce(hidden.Get("t"))
	body := apptest.MergeValues(hidden, apptest.RandomAnswers(rng))
	for attempt := 0; ; attempt++ {
		if attempt == 1 {
			l.mu.Lock()
			l.resent++
			l.mu.Unlock()
		}
		sent := time.Now()
		res, err := hc.PostForm(base+action, body)
		if err != nil {
			if l.stopped() && attempt > 100 {
				return // the load ended and the process stays down
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		l.post(nonce, res.StatusCode, string(page), time.Since(sent))
		return
	}
}

func (l *faultLoad) count(m map[int]int, status int) {
	l.mu.Lock()
	m[status]++
	l.mu.Unlock()
}

func (l *faultLoad) post(nonce string, status int, page string, took time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.posts[status]++
	l.events = append(l.events, postEvent{at: time.Now(), took: took, status: status})
	switch status {
	case http.StatusSeeOther:
		if nonce == "" {
			l.noNonce++
			return
		}
		l.acked[nonce]++
	case http.StatusServiceUnavailable:
		// Either the form again with err.store_unavailable, or the
		// generic page with err.unavailable: both ask to try again.
		if !strings.Contains(page, "thử gửi lại") && !strings.Contains(page, "thử lại") {
			l.bad503 = append(l.bad503, page)
		}
		if !strings.Contains(page, `class="survey"`) {
			l.formDropped++
		}
	default:
		if len(l.otherPost) < 5 {
			l.otherPost = append(l.otherPost, page)
		}
	}
}

// snapshot copies the figures under the lock.
func (l *faultLoad) snapshot() (acked map[string]int, posts, gets map[int]int, events []postEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	acked = make(map[string]int, len(l.acked))
	for k, v := range l.acked {
		acked[k] = v
	}
	posts, gets = map[int]int{}, map[int]int{}
	for k, v := range l.posts {
		posts[k] = v
	}
	for k, v := range l.gets {
		gets[k] = v
	}
	return acked, posts, gets, append([]postEvent(nil), l.events...)
}

// ackedCount is how many answers got their 303 so far.
func (l *faultLoad) ackedCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// waitAcked waits until n more answers than before were acknowledged, or
// fails after d.
func (l *faultLoad) waitAcked(t *testing.T, before, n int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for l.ackedCount() < before+n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d answers acknowledged within %v, want %d", l.ackedCount()-before, d, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ticketNonce is the submission nonce inside a form ticket
// (survey/ticket.go: base64url of 16 random bytes and the render time,
// then the MAC); the store keeps it as the response's unique "nonce".
func ticketNonce(tk string) string {
	body, _, _ := strings.Cut(tk, ".")
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(raw) != 24 {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(raw[:16])
}

// deskPaths are the survey paths of the demo desks (the same on every
// replica that shares the secret).
func deskPaths(t *testing.T, base string) []string {
	t.Helper()
	var paths []string
	for _, d := range apptest.Desks(t, base) {
		u, err := url.Parse(d.SurveyURL)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, u.Path)
	}
	return paths
}

// outcomes summarises the POSTs answered in [from, to): count per status,
// the first 303 and the slowest answer.
func outcomes(events []postEvent, from, to time.Time) (byStatus map[int]int, first303 time.Time, slowest time.Duration) {
	byStatus = map[int]int{}
	for _, e := range events {
		if e.at.Before(from) || !e.at.Before(to) {
			continue
		}
		byStatus[e.status]++
		if e.status == http.StatusSeeOther && first303.IsZero() {
			first303 = e.at
		}
		slowest = max(slowest, e.took)
	}
	return byStatus, first303, slowest
}
