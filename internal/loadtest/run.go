package loadtest

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/html"

	"hailong/survey"
)

// driver starts simulated citizens, open or closed loop.
type driver struct {
	cfg          Config
	desks        []loadDesk
	tr           *http.Transport
	form, submit *recorder
	next         atomic.Uint64 // citizen number: picks desk, replica and seed
	skipped      atomic.Int64  // open loop: not started, in-flight cap reached
	unfinished   atomic.Int64  // still in flight when the drain wait ended
}

// run starts citizens for cfg.Duration, waits (at most cfg.DrainWait) for
// those in flight, and returns the elapsed time.
func (d *driver) run(ctx context.Context) time.Duration {
	// Requests get their own context: ending the load must not cut the
	// citizens already started, only the drain deadline does.
	reqCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	start := time.Now()
	stopAt := start.Add(d.cfg.Duration)
	var wg sync.WaitGroup
	var inflight atomic.Int64
	if d.cfg.Workers > 0 {
		for range d.cfg.Workers {
			wg.Go(func() {
				for time.Now().Before(stopAt) && ctx.Err() == nil {
					inflight.Add(1)
					d.citizen(reqCtx)
					inflight.Add(-1)
				}
			})
		}
	} else {
		// Open loop: arrivals do not wait for the service, as phones do
		// not. Launches catch up with the clock, so a slow tick does not
		// lower the offered rate; the cap only bounds the tool's memory
		// when the service stalls.
		limit := int64(10 * d.cfg.Rate)
		if limit < 10 {
			limit = 10
		}
		tick := time.NewTicker(max(time.Millisecond, time.Duration(float64(time.Second)/d.cfg.Rate)))
		launched := int64(0)
	loop:
		for {
			select {
			case <-ctx.Done():
				break loop
			case now := <-tick.C:
				if now.After(stopAt) {
					now = stopAt
				}
				due := int64(now.Sub(start).Seconds() * d.cfg.Rate)
				for ; launched < due; launched++ {
					if inflight.Load() >= limit {
						d.skipped.Add(1)
						continue
					}
					inflight.Add(1)
					wg.Go(func() {
						defer inflight.Add(-1)
						d.citizen(reqCtx)
					})
				}
				if !now.Before(stopAt) {
					break loop
				}
			}
		}
		tick.Stop()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Until(stopAt) + d.cfg.DrainWait):
		d.unfinished.Store(inflight.Load())
		cancel() // in-flight requests end as errors
		<-done
	}
	return time.Since(start)
}

// citizen is one phone: its own cookie jar, GET the form, think, POST
// sampled answers with the form's hidden fields, without following the
// redirect to the thank-you page.
func (d *driver) citizen(ctx context.Context) {
	n := d.next.Add(1)
	desk := &d.desks[n%uint64(len(d.desks))]
	base := d.cfg.URLs[n%uint64(len(d.cfg.URLs))]
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Transport: d.tr, Jar: jar, Timeout: d.cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	formURL := base + desk.Path
	action, hidden, ok := d.getForm(ctx, hc, formURL, d.form)
	if !ok || d.cfg.FormOnly {
		return
	}
	if d.cfg.Think > 0 {
		select {
		case <-time.After(d.cfg.Think):
		case <-ctx.Done():
			d.submit.done(0, 0, ctx.Err())
			return
		}
	}
	rng := rand.New(rand.NewPCG(d.cfg.Seed, n))
	body := survey.SampleAnswers(rng, desk.In)
	for k, v := range hidden {
		body[k] = v
	}
	target := formURL
	if action != "" {
		if u, err := url.Parse(formURL); err == nil {
			if a, err := u.Parse(action); err == nil {
				target = a.String()
			}
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(url.Values(body).Encode()))
	if err != nil {
		d.submit.done(0, 0, err)
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	start := time.Now()
	res, err := hc.Do(req)
	if err != nil {
		d.submit.done(time.Since(start), 0, err)
		return
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	d.submit.done(time.Since(start), res.StatusCode, nil)
}

// getForm fetches a form page, records the request in rec, and returns the
// survey form's action and hidden fields; ok is false when there is no
// form to send (the failure is already recorded).
func (d *driver) getForm(ctx context.Context, hc *http.Client, u string, rec *recorder) (action string, hidden url.Values, ok bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		rec.done(0, 0, err)
		return "", nil, false
	}
	start := time.Now()
	res, err := hc.Do(req)
	if err != nil {
		rec.done(time.Since(start), 0, err)
		return "", nil, false
	}
	defer res.Body.Close()
	action, hidden, err = ParseSurveyForm(res.Body)
	// The latency counts the whole page, as a phone needs it all.
	rec.done(time.Since(start), res.StatusCode, err)
	return action, hidden, err == nil && res.StatusCode == http.StatusOK && hidden.Get("_csrf") != ""
}

// ParseSurveyForm reads the action and hidden inputs of the first
// <form class="survey">, with a tokenizer: cheap enough that the tool stays out of the way.
func ParseSurveyForm(r io.Reader) (action string, hidden url.Values, err error) {
	// The load tool shares the machine with the service it measures, so it
	// reads tag names and attributes in place instead of building tokens.
	hidden = url.Values{}
	z := html.NewTokenizer(r)
	inForm := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return action, hidden, nil
			}
			return action, hidden, z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			isForm, isInput := string(name) == "form", string(name) == "input"
			if !hasAttr || (!isForm && !isInput) || (isForm && inForm) || (isInput && !inForm) {
				continue
			}
			var class, act, typ, key, val string
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "class":
					class = string(v)
				case "action":
					act = string(v)
				case "type":
					typ = string(v)
				case "name":
					key = string(v)
				case "value":
					val = string(v)
				}
			}
			switch {
			case isForm && strings.Contains(" "+class+" ", " survey "):
				inForm, action = true, act
			case isInput && typ == "hidden":
				hidden.Set(key, val)
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); inForm && string(name) == "form" {
				_, _ = io.Copy(io.Discard, r) // keep-alive needs the body read
				return action, hidden, nil
			}
		}
	}
}
