package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"hailong/internal/app/apptest"
	"hailong/internal/embedded"
)

// TestBrowserLiveAcrossReplicas: an official's overview on instance A shows
// a new answer submitted to instance B within 2 s, without a reload. Both
// instances share one store and one Redis, as replicas do.
func TestBrowserLiveAcrossReplicas(t *testing.T) {
	ctx := newBrowser(t)
	mongoURI, stopMongo, err := embedded.StartFerretDB(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopMongo)
	redisAddr, stopRedis, err := embedded.StartMiniredis()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopRedis)
	shared := map[string]string{
		"HAILONG_MONGO_URI": mongoURI,
		"HAILONG_REDIS_URL": "redis://" + redisAddr,
		"HAILONG_SECRET":    strings.Repeat("bí-mật-chung-", 4),
	}
	a := startApp(t, t.TempDir(), shared)
	b := startApp(t, t.TempDir(), shared)

	admin, _ := apptest.Admin(t, a.URL)
	ck := apptest.SessionCookie(t, admin, a.URL)
	browserDo(t, ctx, "open the overview on A",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: a.URL, HTTPOnly: new(true)})
			return err
		}),
		chromedp.Navigate(a.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#kpi-n")),
	)
	readN := func() int {
		s := browserEval[string](t, ctx, `document.getElementById("kpi-n").textContent`)
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatalf("kpi-n = %q", s)
		}
		return n
	}
	before := readN()
	// Not only the headline figures: rankings and comments are refreshed too.
	count := func(sel string) int {
		return browserEval[int](t, ctx, `document.querySelectorAll(`+strconv.Quote(sel)+`).length`)
	}
	rowsBefore, commentsBefore := count("#ru-h + table tbody tr"), count(".comments li")
	// Let the page's EventSource connect before the answer arrives.
	time.Sleep(500 * time.Millisecond)

	desk := apptest.Desks(t, b.URL)[0]
	if code, _ := apptest.Answer(t, apptest.Client(t), b.URL, desk.SurveyURL); code != http.StatusSeeOther {
		t.Fatalf("answer on B: %d", code)
	}
	submitted := time.Now()
	deadline := submitted.Add(2 * time.Second)
	for readN() != before+1 {
		if time.Now().After(deadline) {
			t.Fatalf("the overview on A still shows %d answers 2 s after one was submitted to B", readN())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("A's overview showed B's answer %v after submission", time.Since(submitted).Round(10*time.Millisecond))
	if rows, cms := count("#ru-h + table tbody tr"), count(".comments li"); rows <= rowsBefore || cms != commentsBefore+1 {
		t.Errorf("after the live update: %d ranking rows (was %d), %d comments (was %d); want the answer's unit and comment", rows, rowsBefore, cms, commentsBefore)
	}
}
