package main

// Browser tests: the citizen's form in a real headless Chromium, driven
// through the DevTools protocol with chromedp. They skip when no Chromium is
// installed (CI installs the Debian package "chromium").

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
	"hailong/survey"
)

// Phone viewport: a common 6.1" phone. 320 px is the narrowest phone still in
// use (iPhone SE 1st gen, small Androids), and WCAG 1.4.10 reflow width.
const (
	phoneWidth   = 390
	phoneHeight  = 844
	narrowWidth  = 320
	phoneScale   = 3
	maxFirstLoad = 30 * 1024 // bytes on the wire for page + CSS + JS
	vietnamese   = "vi-VN,vi;q=0.9"
)

// findChromium returns the browser to drive, or skips the test.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HAILONG_TEST_CHROMIUM"); p != "" {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
		t.Fatalf("HAILONG_TEST_CHROMIUM=%q is not an executable", p)
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("no Chromium installed: apt-get install -y chromium (CI installs it)")
	return ""
}

// newBrowser starts a headless Chromium with a throw-away profile and returns
// the context of its first tab. Everything ends after 60 s at the latest, and
// at test end.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserFor(t, 60*time.Second)
}

// newBrowserFor is newBrowser for a test that needs longer than 60 s.
func newBrowserFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path := findChromium(t)
	// Chromium puts a Unix socket in its profile and temp dirs; the socket
	// path must stay under 108 bytes, which t.TempDir() under CI's long
	// TMPDIR does not.
	short := func() string {
		dir, err := os.MkdirTemp("/tmp", "hlb")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	profile, tmp := short(), short()

	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	// NewExecAllocator uses only these options: no defaults are added.
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.Env("TMPDIR="+tmp),
	)
	t.Cleanup(acancel) // waits until the browser has exited
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return bctx
}

// phoneViewport emulates a phone screen width px wide (CSS pixels), at 3× density.
func phoneViewport(width int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width:             width,
			Height:            phoneHeight,
			DeviceScaleFactor: phoneScale,
			Mobile:            true,
		})
		return err
	})
}

// acceptLanguage makes every request of the tab ask for lang.
func acceptLanguage(lang string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": lang},
		})
		return err
	})
}

// browserDo runs steps, failing the test with what was being done.
func browserDo(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func browserEval[T any](t *testing.T, ctx context.Context, js string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		t.Fatalf("evaluate %.80q: %v", js, err)
	}
	return v
}

// clickLabel taps the label of the input with id, as a person does: on the
// face scale the radio itself is invisible under its tile.
func clickLabel(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(fmt.Sprintf("label[for=%q]", id)))
}

// noHorizontalScroll fails the test when the page is wider than the screen.
func noHorizontalScroll(t *testing.T, ctx context.Context, width int64, page string) {
	t.Helper()
	browserDo(t, ctx, fmt.Sprintf("set viewport to %d px", width), phoneViewport(width))
	type dims struct {
		Scroll   int64    `json:"scroll"`
		Client   int64    `json:"client"`
		Inner    int64    `json:"inner"`
		Culprits []string `json:"culprits"`
	}
	// culprits: the innermost elements that stick out of the screen or whose
	// content overflows them, to say what to fix.
	d := browserEval[dims](t, ctx, `(() => {
		const de = document.documentElement, vw = de.clientWidth;
		const wide = [...document.querySelectorAll("body *")].filter(el => {
			const r = el.getBoundingClientRect();
			return r.right > 0 && (r.right > vw + 0.5 || (el.clientWidth > 0 &&
				el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible"));
		});
		const leaves = wide.filter(el => !wide.some(o => o !== el && el.contains(o)));
		const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
			(typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "") +
			" (right " + Math.round(el.getBoundingClientRect().right) + ", scrollWidth " + el.scrollWidth + ")";
		return {scroll: de.scrollWidth, client: vw, inner: window.innerWidth, culprits: leaves.slice(0, 3).map(name)};
	})()`)
	if d.Client != width {
		t.Errorf("%s at %d px: clientWidth is %d (innerWidth %d): viewport emulation failed", page, width, d.Client, d.Inner)
	}
	if d.Scroll > d.Client {
		t.Errorf("%s at %d px scrolls sideways: scrollWidth %d > clientWidth %d; culprits: %s",
			page, width, d.Scroll, d.Client, strings.Join(d.Culprits, "; "))
	}
}

// netLog records the requests of a tab and the bytes each took on the wire.
type netLog struct {
	mu       sync.Mutex
	urls     map[network.RequestID]string
	order    []network.RequestID
	bytes    map[network.RequestID]float64
	status   map[network.RequestID]int64
	finished map[network.RequestID]bool
}

func recordNetwork(t *testing.T, ctx context.Context) *netLog {
	t.Helper()
	n := &netLog{
		urls:     map[network.RequestID]string{},
		bytes:    map[network.RequestID]float64{},
		status:   map[network.RequestID]int64{},
		finished: map[network.RequestID]bool{},
	}
	err := chromedp.Listen(ctx, func(ev any) {
		// Runs in the tab's read loop: only bookkeeping here.
		n.mu.Lock()
		defer n.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if _, seen := n.urls[ev.RequestID]; !seen {
				n.order = append(n.order, ev.RequestID)
			}
			n.urls[ev.RequestID] = ev.Request.URL
		case *network.EventResponseReceived:
			n.status[ev.RequestID] = ev.Response.Status
		case *network.EventLoadingFinished:
			n.bytes[ev.RequestID] = ev.EncodedDataLength
			n.finished[ev.RequestID] = true
		case *network.EventLoadingFailed:
			n.finished[ev.RequestID] = true
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	browserDo(t, ctx, "enable network events", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{})
		return err
	}))
	return n
}

type netRequest struct {
	URL    string
	Status int64
	Bytes  float64
}

// settle waits until every request seen so far has finished, and returns them
// in the order they were sent.
func (n *netLog) settle(t *testing.T) []netRequest {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n.mu.Lock()
		pending := 0
		for _, id := range n.order {
			if !n.finished[id] {
				pending++
			}
		}
		if pending == 0 || time.Now().After(deadline) {
			reqs := make([]netRequest, 0, len(n.order))
			for _, id := range n.order {
				reqs = append(reqs, netRequest{URL: n.urls[id], Status: n.status[id], Bytes: n.bytes[id]})
			}
			n.mu.Unlock()
			if pending > 0 {
				t.Errorf("%d requests still loading 5 s after the load event", pending)
			}
			return reqs
		}
		n.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
}

// answerForm fills the counter survey like a citizen: overall 5, A 4, B 4,
// C 5, D not applicable, E 4, no harassment, heard on the radio and the
// portal, would go online next time, and a comment.
func answerForm(t *testing.T, ctx context.Context, comment string) {
	t.Helper()
	ids := []string{"overall-5", "a-4", "b-4", "c-5", "d-na", "e-4", "harass-1", "heard-radio", "heard-portal", "online_next-1"}
	for _, id := range ids {
		browserDo(t, ctx, "tap "+id, clickLabel(id))
	}
	if comment != "" {
		browserDo(t, ctx, "type the comment", chromedp.SendKeys(chromedp.ID("f-comment"), comment))
	}
	checked := browserEval[[]string](t, ctx, `[...document.querySelectorAll("form.survey input:checked")].map(e => e.id)`)
	for _, id := range ids {
		if !slices.Contains(checked, id) {
			t.Errorf("after tapping its label, %s is not checked (checked: %v)", id, checked)
		}
	}
	if len(checked) != len(ids) {
		t.Errorf("checked %v, want exactly %v", checked, ids)
	}
}

func TestBrowserSurveyPhone(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	desks := apptest.Desks(t, a.URL)
	if len(desks) == 0 {
		t.Fatal("demo has no desks")
	}
	formURL := desks[0].SurveyURL
	appURL, err := url.Parse(a.URL)
	if err != nil {
		t.Fatal(err)
	}

	// First load on a phone, in Vietnamese, with an empty cache.
	net := recordNetwork(t, ctx)
	browserDo(t, ctx, "open the form",
		phoneViewport(phoneWidth),
		acceptLanguage(vietnamese),
		chromedp.Navigate(formURL),
		chromedp.WaitVisible(chromedp.CSS("button.send")),
	)
	reqs := net.settle(t)
	var total float64
	var lines []string
	for _, r := range reqs {
		u, err := url.Parse(r.URL)
		switch {
		case err != nil:
			t.Errorf("request to unparsable URL %q", r.URL)
		case u.Scheme == "data":
			// Inline SVG faces in the stylesheet: no network.
		case (u.Scheme != "http" && u.Scheme != "https") || u.Host != appURL.Host:
			t.Errorf("third-party request: %s (only %s is allowed)", r.URL, appURL.Host)
		}
		total += r.Bytes
		shown := strings.TrimPrefix(r.URL, a.URL)
		if len(shown) > 60 {
			shown = shown[:60] + "…"
		}
		lines = append(lines, fmt.Sprintf("%6.0f B  %3d  %s", r.Bytes, r.Status, shown))
	}
	t.Logf("first load of the form at %d×%d: %d requests, %.0f bytes (%.1f KiB) on the wire\n%s",
		phoneWidth, phoneHeight, len(reqs), total, total/1024, strings.Join(lines, "\n"))
	if total >= maxFirstLoad {
		t.Errorf("first load took %.0f bytes, want < %d", total, maxFirstLoad)
	}
	kinds := strings.Join(lines, "\n")
	for _, want := range []string{"/s/", ".css", ".js"} {
		if !strings.Contains(kinds, want) {
			t.Errorf("first load has no %s request: the measurement missed a resource", want)
		}
	}
	if lang := browserEval[string](t, ctx, `document.documentElement.lang`); lang != "vi" {
		t.Errorf(`<html lang=%q>, want "vi" for Accept-Language %s`, lang, vietnamese)
	}

	noHorizontalScroll(t, ctx, phoneWidth, "form")
	noHorizontalScroll(t, ctx, narrowWidth, "form")
	// English labels ("Very dissatisfied") are longer than the Vietnamese
	// ones and cannot wrap at a space as easily: an English phone at 320 px.
	browserDo(t, ctx, "open the English form",
		chromedp.Navigate(formURL+"?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("button.send")),
	)
	if lang := browserEval[string](t, ctx, `document.documentElement.lang`); lang != "en" {
		t.Errorf(`<html lang=%q> with ?lang=en, want "en"`, lang)
	}
	noHorizontalScroll(t, ctx, narrowWidth, "English form")
	noHorizontalScroll(t, ctx, phoneWidth, "English form")
	browserDo(t, ctx, "back to the Vietnamese form",
		chromedp.Navigate(formURL+"?lang=vi"),
		chromedp.WaitVisible(chromedp.CSS("button.send")),
	)
	browserDo(t, ctx, "back to the phone width", phoneViewport(phoneWidth))

	const comment = "Cán bộ nhiệt tình, hướng dẫn rõ ràng. Phòng chờ hơi nóng."
	answerForm(t, ctx, comment)
	if got := browserEval[string](t, ctx, `document.getElementById("f-comment").value`); got != comment {
		t.Errorf("comment field holds %q, want %q", got, comment)
	}
	browserDo(t, ctx, "send the form",
		chromedp.Click(chromedp.CSS("button.send")),
		chromedp.WaitVisible(chromedp.ID("thanks-h")),
	)
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("thanks-h")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(heading, "Cảm ơn") {
		t.Errorf("thank-you heading is %q, want it to contain %q", heading, "Cảm ơn")
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/thanks") {
		t.Errorf("after sending, the browser is at %s, want …/thanks", loc)
	}
	noHorizontalScroll(t, ctx, narrowWidth, "thank-you page")

	// The answer is on disk. The API does not list responses yet, so look
	// in the stopped app's store.
	a.Stop(t)
	responses := openDataDir(t, dir).Collection("responses")
	dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := responses.CountDocuments(dctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d responses stored, want 1", n)
	}
	var r survey.Response
	if err := responses.FindOne(dctx, bson.D{}).Decode(&r); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"overall": 5, "a": 4, "b": 4, "c": 5, "d": 0, "e": 4, "harass": 1, "online_next": 1}
	for k, v := range want {
		if got, ok := r.Answers[k]; !ok || got != v {
			t.Errorf("stored answers[%s] = %d (present %v), want %d", k, got, ok, v)
		}
	}
	heard := slices.Clone(r.Choices["heard"])
	sort.Strings(heard)
	if !slices.Equal(heard, []string{"portal", "radio"}) {
		t.Errorf("stored choices[heard] = %v, want [portal radio]", r.Choices["heard"])
	}
	if r.Channel != survey.ChannelQR {
		t.Errorf("stored channel %q, want %q", r.Channel, survey.ChannelQR)
	}
	if r.Comment != comment {
		t.Errorf("stored comment %q, want %q", r.Comment, comment)
	}
	if r.Lang != "vi" {
		t.Errorf("stored lang %q, want vi", r.Lang)
	}
}

// axeViolation is the part of an axe-core result the failure message shows.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeCheck injects axe-core into the current page and fails the test for
// every WCAG 2.1 A/AA violation it finds.
func axeCheck(t *testing.T, ctx context.Context, axeSource, page string) {
	t.Helper()
	if !browserEval[bool](t, ctx, `typeof axe !== "undefined"`) {
		browserEval[chromedp.Void](t, ctx, axeSource)
	}
	const script = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))})))`
	vs := browserEval[[]axeViolation](t, ctx, script, chromedp.EvalAwaitPromise)
	for _, v := range vs {
		var where, html, summary string
		if len(v.Nodes) > 0 {
			where = fmt.Sprint(v.Nodes[0].Target...)
			html, summary = v.Nodes[0].HTML, v.Nodes[0].Summary
		}
		t.Errorf("%s: axe %s (%s): %s; %d element(s), first %s\n    %s\n    %s\n    %s",
			page, v.ID, v.Impact, v.Help, len(v.Nodes), where, html, strings.ReplaceAll(summary, "\n", "\n    "), v.URL)
	}
	if len(vs) == 0 {
		t.Logf("%s: axe-core found no WCAG 2.1 A/AA violations", page)
	}
}

func TestBrowserFormAccessibility(t *testing.T) {
	axePath := os.Getenv("HAILONG_TEST_AXE")
	src, err := os.ReadFile(axePath)
	if axePath == "" || errors.Is(err, os.ErrNotExist) {
		t.Skip("axe-core not found: set HAILONG_TEST_AXE to axe.min.js (npm install axe-core; .ci/run does this)")
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	a := startApp(t, t.TempDir(), nil)
	desks := apptest.Desks(t, a.URL)
	if len(desks) == 0 {
		t.Fatal("demo has no desks")
	}

	browserDo(t, ctx, "open the form",
		phoneViewport(phoneWidth),
		acceptLanguage(vietnamese),
		chromedp.Navigate(desks[0].SurveyURL),
		chromedp.WaitVisible(chromedp.CSS("button.send")),
	)
	axeCheck(t, ctx, string(src), "form")

	// An empty form comes back (422) with the problems listed.
	browserDo(t, ctx, "send the empty form",
		chromedp.Click(chromedp.CSS("button.send")),
		chromedp.WaitVisible(chromedp.ID("problems")),
	)
	if n := browserEval[int](t, ctx, `document.querySelectorAll(".err").length`); n == 0 {
		t.Error("the re-rendered form shows no problem messages")
	}
	axeCheck(t, ctx, string(src), "form with problems")

	answerForm(t, ctx, "")
	browserDo(t, ctx, "send the answered form",
		chromedp.Click(chromedp.CSS("button.send")),
		chromedp.WaitVisible(chromedp.ID("thanks-h")),
	)
	axeCheck(t, ctx, string(src), "thank-you page")
}
