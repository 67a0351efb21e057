package main

// Keying paper forms with the keyboard only (issue 9 item 2): the serial
// typed and Enter, a code key per question and Enter, Backspace to go
// back, the summary and Enter to save — no mouse event, no value set by
// script.

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"hailong/internal/app/apptest"
)

// paperKeying is what one form says and the keys that enter it.
type paperKeying struct {
	scores  map[string]int
	choices []string
	comment string
	keys    []string // one KeyEvent each
}

// keyingFor makes form i's answers and keys: every answer varies with i,
// "0" (không áp dụng) and the letter key of the eleventh multi-choice
// option are used, and form 0 goes back once with Backspace.
func keyingFor(i int) paperKeying {
	k := paperKeying{scores: map[string]int{}}
	k.scores["overall"] = 1 + i%5
	if i == 0 {
		// Pick 1, move on, come back, change to 2.
		k.scores["overall"] = 2
		k.keys = append(k.keys, "1", "\r", "\b", "2", "\r")
	} else {
		k.keys = append(k.keys, strconv.Itoa(k.scores["overall"]), "\r")
	}
	for j, item := range []string{"a", "b", "c", "d", "e"} {
		k.scores[item] = (i + j) % 6
		k.keys = append(k.keys, strconv.Itoa(k.scores[item]), "\r")
	}
	k.scores["harass"] = 1 + i%3
	k.keys = append(k.keys, strconv.Itoa(k.scores["harass"]), "\r")
	switch i % 4 {
	case 0:
		k.choices = []string{"leaflet", "radio"} // sorted, as compared
		k.keys = append(k.keys, "1", "3", "\r")
	case 1:
		k.choices = []string{"banner"} // 1 on, 2 on, 1 off
		k.keys = append(k.keys, "1", "2", "1", "\r")
	case 2:
		k.keys = append(k.keys, "\r") // optional: left blank
	case 3:
		k.choices = []string{"none"} // "b" is exclusive: it clears the 1
		k.keys = append(k.keys, "1", "b", "\r")
	}
	k.scores["online_next"] = 1 + i%3
	k.keys = append(k.keys, strconv.Itoa(k.scores["online_next"]), "\r")
	if i%2 == 0 {
		k.comment = fmt.Sprintf("gop y so %d", i)
		k.keys = append(k.keys, k.comment)
	}
	k.keys = append(k.keys, "\r", "\r") // past the comment, then save from the summary
	return k
}

// waitTrue polls expr until it is true, through page loads (an evaluation
// racing a navigation fails and is retried).
func waitTrue(t *testing.T, ctx context.Context, expr, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			main, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : ""`))
			t.Fatalf("%s (last error %v); page:\n%s", what, err, main)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBrowserPaperKeyboardEntry(t *testing.T) {
	// About 2,300 key events: more than a minute on a loaded 2-core runner.
	ctx := newBrowserFor(t, 3*time.Minute)
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	admin, csrf := apptest.Admin(t, a.URL)
	addUser(t, a, admin, csrf, "nhap-p1", "operator", "vt-p1")
	serials := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p1"}, "desk": {"p1-q1"}, "count": {"20"}})
	if len(serials) != 20 {
		t.Fatalf("batch of 20 prints %d forms", len(serials))
	}
	op, _ := apptest.LoginAs(t, a.URL, "nhap-p1", "matkhau-nhap-p1")
	ck := apptest.SessionCookie(t, op, a.URL)

	browserDo(t, ctx, "open the entry screen",
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: a.URL, HTTPOnly: new(true)})
			return err
		}),
		chromedp.Navigate(a.URL+"/paper/entry"),
	)
	// The serial field has the focus: the keys below go where a person's
	// would.
	serialFocused := `document.activeElement && document.activeElement.id === "serial"`
	start := time.Now()
	for i, s := range serials {
		waitTrue(t, ctx, serialFocused, fmt.Sprintf("form %d: the serial field does not have the focus", i+1))
		browserDo(t, ctx, "type serial "+s, chromedp.KeyEvent(strings.ToLower(s)+"\r"))
		waitTrue(t, ctx, `!!document.querySelector("#paper-entry.kb fieldset.pq.current")`, "form "+s+" did not open for keying")
		k := keyingFor(i)
		for _, key := range k.keys[:len(k.keys)-1] {
			browserDo(t, ctx, fmt.Sprintf("form %s: key %q", s, key), chromedp.KeyEvent(key))
		}
		// The summary lists what was keyed before the last Enter saves it.
		summary := browserEval[[]string](t, ctx, `[...document.querySelectorAll("#summary:not([hidden]) li")].map(li => li.textContent)`)
		if len(summary) != 10 || !strings.HasPrefix(summary[0], strconv.Itoa(k.scores["overall"])+" – ") {
			t.Fatalf("form %s: summary %q, want 10 lines starting with overall %d", s, summary, k.scores["overall"])
		}
		browserDo(t, ctx, "save "+s, chromedp.KeyEvent("\r"))
		saved := fmt.Sprintf(`(document.querySelector("#saved") || {textContent: ""}).textContent.includes(%q)`, s)
		waitTrue(t, ctx, saved, "form "+s+" not saved")
	}
	t.Logf("20 forms keyed by keyboard in %v", time.Since(start).Round(time.Millisecond))
	apptest.WaitPaperN(t, a.URL, "vt-p1", 20)

	a.Stop(t)
	stored := apptest.PaperResponses(t, openDataDir(t, dir))
	if len(stored) != 20 {
		t.Fatalf("%d paper responses stored, want 20", len(stored))
	}
	for i, s := range serials {
		r, k := stored[s], keyingFor(i)
		for item, want := range k.scores {
			if got, ok := r.Answers[item]; !ok || got != want {
				t.Errorf("form %s item %s: stored %d (%v), keyed %d", s, item, got, ok, want)
			}
		}
		got := r.Choices["heard"]
		slices.Sort(got)
		if !slices.Equal(got, k.choices) {
			t.Errorf("form %s heard: stored %v, keyed %v", s, got, k.choices)
		}
		if r.Comment != k.comment || r.Operator != "nhap-p1" || r.Serial != s || r.Desk != "p1-q1" {
			t.Errorf("form %s: stored comment %q operator %q serial %q desk %q", s, r.Comment, r.Operator, r.Serial, r.Desk)
		}
	}
}

// TestBrowserPaperPrintPDF prints a batch of three counter forms as
// Chromium's print dialog would: three A4 pages, one form each.
func TestBrowserPaperPrintPDF(t *testing.T) {
	ctx := newBrowser(t)
	a := startApp(t, t.TempDir(), nil)
	admin, csrf := apptest.Admin(t, a.URL)
	serials := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p1"}, "desk": {"p1-q1"}, "count": {"3"}})
	ck := apptest.SessionCookie(t, admin, a.URL)
	browserDo(t, ctx, "open the batch",
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: a.URL, HTTPOnly: new(true)})
			return err
		}),
		chromedp.Navigate(a.URL+"/paper/batches/"+serials[0][:4]),
	)
	waitTrue(t, ctx, `document.images.length === 6 && [...document.images].every(i => i.complete && i.naturalWidth > 0)`, "QR images did not load")
	pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](printPDF))
	if err != nil {
		t.Fatal(err)
	}
	if pages := pdfPages(pdf); pages != 3 {
		t.Errorf("a batch of 3 forms printed on %d pages, want 3", pages)
	}
	for _, m := range mediaBox.FindAllSubmatch(pdf, -1) {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if math.Abs(w-595.28) > 1.5 || math.Abs(h-841.89) > 1.5 {
			t.Errorf("page of %.2f × %.2f pt, want A4 (595.28 × 841.89)", w, h)
		}
	}
	if dir := os.Getenv("HAILONG_TEST_PDF_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "paper-forms.pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// addUser creates an account through the admin's users page.
func addUser(t *testing.T, a *testApp, admin *http.Client, csrf, name, role, unit string) {
	t.Helper()
	res, err := admin.PostForm(a.URL+"/users", url.Values{"_csrf": {csrf}, "username": {name}, "name": {"Cán bộ " + name},
		"role": {role}, "unit": {unit}, "password": {"matkhau-" + name}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("add user %s (%s): %d", name, role, res.StatusCode)
	}
}
