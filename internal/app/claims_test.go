package app_test

// Tests of behaviour that worked but nothing proved (audit of issue 2):
// request logs, the body limit, security headers on the form, one nonce
// sent ten times at once, and the demo off. (Graceful stop, /readyz with a
// store down and the secret file are cmd/hailong's claims_test.go.)

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
)

// TestRequestLogsKeepNoAnswerNorAddress: a submission's
// request lines name method, route and status, and nothing in the log
// holds the citizen's comment, a chosen answer or the client address.
func TestRequestLogsKeepNoAnswerNorAddress(t *testing.T) {
	const clientIP = "203.0.113.77" // believed through the trusted proxy
	a := apptest.Start(t, apptest.Options{Config: func(c *app.Config) { c.TrustedProxies = apptest.CIDRs(t, "127.0.0.0/8") }})
	desk := a.Desks(t)[0]
	const comment = "Chị Lan ở quầy 3 rất tận tình, số điện thoại 0912345678"
	c := apptest.Client(t)
	get := func(u string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("X-Forwarded-For", clientIP)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := get(desk.SurveyURL)
	form := apptest.ParseForm(t, res.Body)
	res.Body.Close()
	body := apptest.MergeValues(form.Hidden, apptest.ValidAnswers())
	body.Set("comment", comment)
	req, _ := http.NewRequest(http.MethodPost, a.URL+form.Action, strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", clientIP)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d, want 303", res.StatusCode)
	}
	get(a.URL + res.Header.Get("Location")).Body.Close()
	a.Stop()

	logs := a.Logs()
	var posts int
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		line, err := logLine(sc.Text())
		if err != nil {
			t.Errorf("log line is not key=value text (%v): %q", err, sc.Text())
			continue
		}
		if line["msg"] == "request" && line["method"] == "POST" && line["route"] == "/s/:code" {
			posts++
			if line["status"] != strconv.Itoa(http.StatusSeeOther) {
				t.Errorf("request line %v: want status 303", line)
			}
		}
	}
	if posts != 1 {
		t.Errorf("%d request lines for the POST, want 1; the log:\n%s", posts, logs)
	}
	for _, secret := range []string{comment, "tận tình", "0912345678", clientIP, "127.0.0.1", form.Hidden.Get("_csrf"), desk.SurveyURL[len(a.URL):]} {
		if secret != "" && strings.Contains(logs, secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs)
		}
	}
}

// TestFormBodyLimitAndHeaders: the form and its POST answers carry the
// security headers, and a body over the limit is refused with 413 and a
// Vietnamese page, storing nothing.
func TestFormBodyLimitAndHeaders(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desk := a.Desks(t)[0]
	c := apptest.Client(t)
	res, err := c.Get(desk.SurveyURL)
	if err != nil {
		t.Fatal(err)
	}
	form := apptest.ParseForm(t, res.Body)
	res.Body.Close()
	checkHeaders := func(what string, h http.Header) {
		t.Helper()
		for k, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "same-origin",
			"X-Frame-Options":        "DENY",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", what, k, got, want)
			}
		}
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", what, csp, want)
			}
		}
		if h.Get("Permissions-Policy") == "" {
			t.Errorf("%s: no Permissions-Policy", what)
		}
	}
	checkHeaders("GET "+form.Action, res.Header)

	bad := apptest.Post(t, c, a.URL+form.Action, form.Hidden, url.Values{"overall": {"9"}})
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid answer: %d, want 422", bad.StatusCode)
	}
	checkHeaders("POST with a problem", bad.Header)

	big := apptest.MergeValues(form.Hidden, apptest.ValidAnswers())
	big.Set("comment", strings.Repeat("dài quá ", 100*1024/8))
	res, err = c.PostForm(a.URL+form.Action, big)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("100 KB body: %d, want 413", res.StatusCode)
	}
	if !strings.Contains(string(page), "quá lớn") {
		t.Errorf("413 page does not say in Vietnamese that it is too large:\n%.500s", page)
	}
	checkHeaders("413", res.Header)
	a.Stop()
	if n, _ := a.DB.Collection("responses").CountDocuments(context.Background(), bson.D{}); n != 0 {
		t.Errorf("%d responses stored, want none", n)
	}
}

// TestSameNonceTenAtOnce: one form sent ten times at once (a double tap
// on a slow network, retries) is stored once, and every sender is thanked.
func TestSameNonceTenAtOnce(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desk := a.Desks(t)[0]
	c := apptest.Client(t)
	form := apptest.GetForm(t, c, desk.SurveyURL)
	body := apptest.MergeValues(form.Hidden, apptest.ValidAnswers())
	codes := make([]int, 10)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := c.PostForm(a.URL+form.Action, body)
			if err != nil {
				return
			}
			res.Body.Close()
			codes[i] = res.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	for i, code := range codes {
		if code != http.StatusSeeOther {
			t.Errorf("send %d of 10: %d, want 303 (the thank-you)", i+1, code)
		}
	}
	a.Stop()
	if n, _ := a.DB.Collection("responses").CountDocuments(context.Background(), bson.D{}); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
}

// TestDemoOff: the demo off (HAILONG_DEMO=false) starts an empty city: no
// unit, no desk, no plan task.
func TestDemoOff(t *testing.T) {
	a := apptest.Start(t, apptest.Options{Config: func(c *app.Config) { c.Demo = false }})
	if desks := a.Desks(t); len(desks) != 0 {
		t.Errorf("%d desks with HAILONG_DEMO=false, want 0", len(desks))
	}
	a.Stop()
	db := a.DB
	for _, coll := range []string{"units", "desks", "plan_tasks"} {
		if n, err := db.Collection(coll).CountDocuments(context.Background(), bson.D{}); err != nil || n != 0 {
			t.Errorf("%s: %d documents (%v), want 0", coll, n, err)
		}
	}
}

// logLine reads one line of the app's text log (log/slog's TextHandler:
// key=value pairs, values with spaces or quotes quoted as Go strings).
func logLine(s string) (map[string]string, error) {
	out := map[string]string{}
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || strings.ContainsAny(s[:eq], " \"") {
			return nil, fmt.Errorf("no key=value at %q", s)
		}
		key, rest := s[:eq], s[eq+1:]
		var val string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, err
			}
			if val, err = strconv.Unquote(q); err != nil {
				return nil, err
			}
			rest = rest[len(q):]
		} else {
			end := strings.IndexByte(rest, ' ')
			if end < 0 {
				end = len(rest)
			}
			val, rest = rest[:end], rest[end:]
		}
		out[key] = val
		s = strings.TrimPrefix(rest, " ")
	}
	return out, nil
}
