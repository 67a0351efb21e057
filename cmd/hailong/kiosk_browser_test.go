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

	"hailong/internal/app/apptest"
)

func TestBrowserKioskIdleReset(t *testing.T) {
	ctx := newBrowser(t)
	a := startApp(t, t.TempDir(), nil)
	device := registerDevice(t, a, "vt-q1", "kiosk")
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
	for deadline := time.Now().Add(2 * time.Second); !browserEval[bool](t, ctx, `document.fullscreenElement !== null`); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the kiosk did not go full screen on the first tap")
		}
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

// The rotating display swaps in the next code in the background and, when
// the server cannot be reached, keeps its page and keeps trying instead of
// showing the browser's error page to citizens for good.
func TestBrowserDisplayRetries(t *testing.T) {
	ctx := newBrowser(t)
	a := startApp(t, t.TempDir(), nil)
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/desks/vt-q2", map[string]any{"qr_mode": "rotating"}, nil); code != http.StatusOK {
		t.Fatalf("rotating mode: %d", code)
	}
	device := registerDevice(t, a, "vt-q2", "display")
	// Timers 100× faster; every fetch is counted.
	fast := `(function(){var st=window.setTimeout;window.setTimeout=function(f,d){return st(f,(d||0)/100);};
	  window.__fetches=0;var f=window.fetch;window.fetch=function(){window.__fetches++;return f.apply(this,arguments);};})();`
	browserDo(t, ctx, "open the display",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: fast}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: device.Name, Value: device.Value, URL: a.URL, HTTPOnly: new(true)})
			return err
		}),
		chromedp.Navigate(a.URL+"/desk/vt-q2/display"),
		chromedp.WaitVisible(chromedp.CSS(".display-box img.display-qr")),
	)
	// A refresh replaces the box in place.
	browserEval[bool](t, ctx, `document.querySelector(".display-box").dataset.mark = "old", true`)
	deadline := time.Now().Add(5 * time.Second)
	for browserEval[bool](t, ctx, `document.querySelector(".display-box[data-mark]") !== null`) {
		if time.Now().After(deadline) {
			t.Fatal("the display never fetched its next code")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The server goes away: the page stays and keeps retrying.
	a.Stop(t)
	before := browserEval[int](t, ctx, `window.__fetches`)
	time.Sleep(2 * time.Second)
	if got := browserEval[string](t, ctx, `location.href`); got != a.URL+"/desk/vt-q2/display" {
		t.Errorf("with the server down the display shows %s", got)
	}
	if n := browserEval[int](t, ctx, `document.querySelectorAll(".display-box img.display-qr").length`); n != 1 {
		t.Errorf("with the server down the display lost its QR code (%d)", n)
	}
	if after := browserEval[int](t, ctx, `window.__fetches`); after < before+3 {
		t.Errorf("the display tried %d times in 2 s (× 100) with the server down, want it to keep retrying", after-before)
	}
}

// registerDevice signs an admin in, registers that browser as desk's kiosk
// or display, and returns the device cookie to plant in Chromium.
func registerDevice(t *testing.T, a *testApp, desk, kind string) *http.Cookie {
	t.Helper()
	c, csrf := apptest.Admin(t, a.URL)
	res, err := c.PostForm(a.URL+"/desks/"+desk+"/device", url.Values{"_csrf": {csrf}, "kind": {kind}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register %s: %v %v", kind, res.StatusCode, err)
	}
	res.Body.Close()
	u, _ := url.Parse(a.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "hl_device" {
			return ck
		}
	}
	t.Fatal("no hl_device cookie after registration")
	return nil
}
