package main

// Tests of behaviour that worked but nothing proved (audit of issue 2):
// graceful stop with answers in flight, /readyz with a store down, the
// secret file's mode, request logs, the body limit, security headers on
// the form, one nonce sent ten times at once, and HAILONG_DEMO=false.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestStopKeepsAcknowledgedAnswers: citizens keep sending while the
// service is told to stop (SIGTERM cancels run's context, as here): every
// answer that got its 303 thank-you is on disk afterwards.
func TestStopKeepsAcknowledgedAnswers(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	desks := apiDesks(t, a)
	var (
		mu    sync.Mutex
		acked []string // comments of the answers that got a 303
		sent  atomic.Int64
		wg    sync.WaitGroup
	)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client(t)
			c.Timeout = 20 * time.Second
			for i := 0; ; i++ {
				res, err := c.Get(desks[(w+i)%len(desks)].SurveyURL)
				if err != nil {
					return // the listener is closed
				}
				if res.StatusCode != http.StatusOK {
					res.Body.Close()
					return
				}
				form := parseFormErr(res.Body)
				res.Body.Close()
				if form == nil {
					return
				}
				comment := fmt.Sprintf("phiếu %d-%d", w, i)
				body := url.Values{}
				for k, v := range form.Hidden {
					body[k] = v
				}
				for k, v := range validAnswers() {
					body[k] = v
				}
				body.Set("comment", comment)
				sent.Add(1)
				res, err = c.PostForm(a.URL+form.Action, body)
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusSeeOther {
					mu.Lock()
					acked = append(acked, comment)
					mu.Unlock()
				}
			}
		}()
	}
	// Stop while the citizens are busy.
	for deadline := time.Now().Add(30 * time.Second); sent.Load() < 40; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d answers sent in 30 s", sent.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.Stop(t)
	wg.Wait()

	db := openDataDir(t, dir)
	cur, err := db.Collection("responses").Find(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var stored []struct{ Comment string }
	if err := cur.All(context.Background(), &stored); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range stored {
		have[r.Comment] = true
	}
	var lost []string
	for _, c := range acked {
		if !have[c] {
			lost = append(lost, c)
		}
	}
	t.Logf("%d answers sent, %d acknowledged with 303, %d stored", sent.Load(), len(acked), len(stored))
	if len(acked) == 0 {
		t.Fatal("no answer was acknowledged: the test proves nothing")
	}
	if len(lost) > 0 {
		t.Errorf("%d acknowledged answers are not stored: %v", len(lost), lost)
	}
}

// parseFormErr is parseForm for goroutines, which may not call t.Fatal.
func parseFormErr(r io.Reader) (f *surveyForm) {
	defer func() {
		if recover() != nil {
			f = nil
		}
	}()
	ft := &fatalRecorder{}
	form := parseForm(ft, r)
	return &form
}

// fatalRecorder is a testing.TB whose Fatal panics, for parseFormErr.
type fatalRecorder struct{ testing.TB }

func (fatalRecorder) Helper()               {}
func (fatalRecorder) Fatal(...any)          { panic("fatal") }
func (fatalRecorder) Fatalf(string, ...any) { panic("fatal") }

// TestReadyzStoreDown: /readyz is 200 while both stores answer and 503,
// naming the store, once the external Redis is gone; /healthz stays 200.
func TestReadyzStoreDown(t *testing.T) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	a := startApp(t, t.TempDir(), map[string]string{"HAILONG_REDIS_URL": "redis://" + m.Addr()})
	ready := func() (int, map[string]string) {
		var status map[string]string
		code := getJSON(t, a.URL+"/readyz", &status)
		return code, status
	}
	if code, status := ready(); code != http.StatusOK || status["redis"] != "ok" || status["mongo"] != "ok" {
		t.Fatalf("/readyz with both stores up: %d %v", code, status)
	}
	m.Close()
	code, status := ready()
	if code != http.StatusServiceUnavailable || status["redis"] != "unavailable" || status["mongo"] != "ok" {
		t.Errorf("/readyz with Redis stopped: %d %v, want 503 with redis unavailable, mongo ok", code, status)
	}
	if res, err := http.Get(a.URL + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("/healthz with Redis stopped: %v %v, want 200 (the process is up)", res, err)
	}
}

// TestSecretFile: the generated secret is only readable by its owner
// (0600), long enough, and the same after a restart.
func TestSecretFile(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	a.Stop(t)
	path := filepath.Join(dir, "secret")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want -rw------- (0600)", path, st.Mode().Perm())
	}
	first, _ := os.ReadFile(path)
	if len(strings.TrimSpace(string(first))) < 32 {
		t.Errorf("secret has %d characters, want at least 32", len(strings.TrimSpace(string(first))))
	}
	a = startApp(t, dir, nil)
	a.Stop(t)
	if again, _ := os.ReadFile(path); string(again) != string(first) {
		t.Error("the secret changed across a restart: every printed QR code would break")
	}
}

// TestRequestLogsKeepNoAnswerNorAddress: with JSON logs, a submission's
// request lines name method, route and status, and nothing in the log
// holds the citizen's comment, a chosen answer or the client address.
func TestRequestLogsKeepNoAnswerNorAddress(t *testing.T) {
	const clientIP = "203.0.113.77" // believed through the trusted proxy
	a := startApp(t, t.TempDir(), map[string]string{
		"HAILONG_LOG_FORMAT": "json", "HAILONG_TRUSTED_PROXIES": "127.0.0.0/8",
	})
	desk := apiDesks(t, a)[0]
	const comment = "Chị Lan ở quầy 3 rất tận tình, số điện thoại 0912345678"
	c := client(t)
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
	form := parseForm(t, res.Body)
	res.Body.Close()
	body := mergeValues(form.Hidden, validAnswers())
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
	a.Stop(t)

	logs := a.stderr.String()
	var posts int
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Errorf("log line is not JSON: %q", sc.Text())
			continue
		}
		if line["msg"] == "request" && line["method"] == "POST" && line["route"] == "/s/:code" {
			posts++
			if line["status"] != float64(http.StatusSeeOther) {
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
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	desk := apiDesks(t, a)[0]
	c := client(t)
	res, err := c.Get(desk.SurveyURL)
	if err != nil {
		t.Fatal(err)
	}
	form := parseForm(t, res.Body)
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

	bad := post(t, c, a.URL+form.Action, form.Hidden, url.Values{"overall": {"9"}})
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid answer: %d, want 422", bad.StatusCode)
	}
	checkHeaders("POST with a problem", bad.Header)

	big := mergeValues(form.Hidden, validAnswers())
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
	a.Stop(t)
	if n, _ := openDataDir(t, dir).Collection("responses").CountDocuments(context.Background(), bson.D{}); n != 0 {
		t.Errorf("%d responses stored, want none", n)
	}
}

// TestSameNonceTenAtOnce: one form sent ten times at once (a double tap
// on a slow network, retries) is stored once, and every sender is thanked.
func TestSameNonceTenAtOnce(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	desk := apiDesks(t, a)[0]
	c := client(t)
	form := getForm(t, c, desk.SurveyURL)
	body := mergeValues(form.Hidden, validAnswers())
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
	a.Stop(t)
	if n, _ := openDataDir(t, dir).Collection("responses").CountDocuments(context.Background(), bson.D{}); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
}

// TestDemoOff: HAILONG_DEMO=false starts an empty city: no unit, no desk,
// no plan task.
func TestDemoOff(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, map[string]string{"HAILONG_DEMO": "false"})
	if desks := apiDesks(t, a); len(desks) != 0 {
		t.Errorf("%d desks with HAILONG_DEMO=false, want 0", len(desks))
	}
	a.Stop(t)
	db := openDataDir(t, dir)
	for _, coll := range []string{"units", "desks", "plan_tasks"} {
		if n, err := db.Collection(coll).CountDocuments(context.Background(), bson.D{}); err != nil || n != 0 {
			t.Errorf("%s: %d documents (%v), want 0", coll, n, err)
		}
	}
}
