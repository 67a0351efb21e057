package main

// The kiosk tablet resets a form left half-filled (issue 4: the next
// citizen must not find someone else's answers). Timers run 100× faster
// in the page, so two idle minutes take 1.2 s.

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

func TestBrowserKioskIdleReset(t *testing.T) {
	ctx := newBrowser(t)
	a := startApp(t, t.TempDir(), nil)
	c, csrf := adminClient(t, a)
	res, err := c.PostForm(a.URL+"/desks/vt-q1/device", url.Values{"_csrf": {csrf}, "kind": {"kiosk"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register kiosk: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	u, _ := url.Parse(a.URL)
	var device *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "hl_device" {
			device = ck
		}
	}
	if device == nil {
		t.Fatal("no hl_device cookie after registration")
	}
	browserDo(t, ctx, "open the kiosk form",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `(function(){var st=window.setTimeout;window.setTimeout=function(f,d){return st(f,(d||0)/100);};})();`}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: device.Name, Value: device.Value, URL: a.URL, HTTPOnly: new(true)})
			return err
		}),
		chromedp.Navigate(a.URL+"/k/vt-q1"),
		chromedp.WaitVisible(chromedp.CSS("form[method=post]")),
	)
	id := browserEval[string](t, ctx, `document.querySelector("form[method=post] input[type=radio]").id`)
	browserDo(t, ctx, "tap an answer", clickLabel(id))
	checked := `document.querySelectorAll("form[method=post] input:checked").length`
	if n := browserEval[int](t, ctx, checked); n != 1 {
		t.Fatalf("%d answers checked after one tap, want 1", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for browserEval[int](t, ctx, checked) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the half-filled kiosk form was not reset after two idle minutes")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := browserEval[string](t, ctx, `location.pathname`); got != "/k/vt-q1" {
		t.Errorf("after the reset the tablet shows %s, want /k/vt-q1", got)
	}
}
