package main

// QR images and printable posters (issue 4, items 3 and 4): officials only,
// the QR decodes to the desk's survey URL, every demo desk's poster has the
// same structure (golden file), and Chromium prints one to a one-page PDF.

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// loginClient returns a client signed in as admin, through the login form.
func loginClient(t *testing.T, a *testApp) *http.Client { return loginClientTB(t, a) }

// loginClientTB is loginClient for tests and benchmarks.
func loginClientTB(t testing.TB, a *testApp) *http.Client {
	t.Helper()
	c, _ := adminClient(t, a)
	return c
}

// sessionCookie returns the session cookie the client holds for the app.
func sessionCookie(t *testing.T, c *http.Client, a *testApp) *http.Cookie {
	t.Helper()
	u, err := url.Parse(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "hl_session" {
			return ck
		}
	}
	t.Fatal("the signed-in client holds no hl_session cookie")
	return nil
}

// get fetches u with c and returns the response with its body read.
func get(t *testing.T, c *http.Client, u string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// getDoc fetches an HTML page that must answer 200.
func getDoc(t *testing.T, c *http.Client, u string) *goquery.Document {
	t.Helper()
	res, body := get(t, c, u)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d, want 200", u, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// zbarDecode reads the QR code in a PNG with zbarimg, or skips.
func zbarDecode(t *testing.T, img []byte) string {
	t.Helper()
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed: apt-get install -y zbar-tools (CI installs it)")
	}
	f := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(f, img, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--raw", "-q", f).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("zbarimg read no code: %v %s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

func TestQRImages(t *testing.T) {
	a := startApp(t, t.TempDir(), nil)
	desks := apiDesks(t, a)

	// Anonymous: every QR and poster route sends to the login page. An
	// image would reveal a valid desk code.
	anon := client(t)
	for _, p := range []string{"/qr/vt-q1.png", "/qr/vt-q1.svg", "/qr/nobody.png", "/desks/vt-q1/poster",
		"/units/vt-p1/posters", "/units/vt-p1/leaflets"} {
		res, _ := get(t, anon, a.URL+p)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("anonymous GET %s: %d to %q, want 303 to /login", p, res.StatusCode, loc)
		}
	}

	c := loginClient(t, a)
	for _, d := range desks {
		res, body := get(t, c, a.URL+"/qr/"+d.ID+".png")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("GET /qr/%s.png: %d %s", d.ID, res.StatusCode, res.Header.Get("Content-Type"))
		}
		// Unversioned: revalidate (TestQRImageURLFollowsRotation has the rest).
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-cache" {
			t.Errorf("/qr/%s.png Cache-Control %q, want private, no-cache", d.ID, cc)
		}
		img, err := png.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("/qr/%s.png is not a PNG: %v", d.ID, err)
		}
		if w := img.Bounds().Dx(); w != 512 {
			t.Errorf("/qr/%s.png is %d px wide, want the default 512", d.ID, w)
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Errorf("/qr/%s.png has no ETag", d.ID)
		} else if res, _ := get(t, c, a.URL+"/qr/"+d.ID+".png", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("/qr/%s.png with If-None-Match its ETag: %d, want 304", d.ID, res.StatusCode)
		}

		res, body = get(t, c, a.URL+"/qr/"+d.ID+".svg")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("GET /qr/%s.svg: %d %s", d.ID, res.StatusCode, res.Header.Get("Content-Type"))
		}
		var svg struct {
			XMLName xml.Name
			ViewBox string `xml:"viewBox,attr"`
		}
		if err := xml.Unmarshal(body, &svg); err != nil || svg.XMLName.Local != "svg" || svg.ViewBox == "" {
			t.Errorf("/qr/%s.svg is not an SVG document with a viewBox: %v (%s)", d.ID, err, svg.XMLName.Local)
		}
		if tag := res.Header.Get("ETag"); tag == "" || tag == etag {
			t.Errorf("/qr/%s.svg ETag %q: want its own, not the PNG's", d.ID, tag)
		}
	}

	for _, tt := range []struct {
		path  string
		want  int
		width int
	}{
		{"/qr/vt-q1.png?size=200", http.StatusOK, 200},
		{"/qr/vt-q1.png?size=1", http.StatusOK, 128},
		{"/qr/vt-q1.png?size=99999", http.StatusOK, 2048},
		{"/qr/vt-q1.png?size=big", http.StatusBadRequest, 0},
		{"/qr/khong-co-quay.png", http.StatusNotFound, 0},
		{"/qr/khong-co-quay.svg", http.StatusNotFound, 0},
		{"/qr/vt-q1.gif", http.StatusNotFound, 0},
		{"/qr/vt-q1", http.StatusNotFound, 0},
	} {
		res, body := get(t, c, a.URL+tt.path)
		if res.StatusCode != tt.want {
			t.Errorf("GET %s: %d, want %d", tt.path, res.StatusCode, tt.want)
			continue
		}
		if tt.width > 0 {
			img, err := png.Decode(bytes.NewReader(body))
			if err != nil || img.Bounds().Dx() != tt.width {
				t.Errorf("GET %s: %v, want a %d px PNG (%v)", tt.path, img.Bounds(), tt.width, err)
			}
		}
	}

	// Last, as it may skip: the image holds exactly the survey URL the API
	// lists, for every desk.
	for _, d := range desks {
		_, body := get(t, c, a.URL+"/qr/"+d.ID+".png")
		if got := zbarDecode(t, body); got != d.SurveyURL {
			t.Errorf("/qr/%s.png decodes to %q, want the survey_url %q", d.ID, got, d.SurveyURL)
		}
	}
}

// posterProbes are what the golden file records of each poster: a CSS
// selector, and the attribute to read (empty: the text).
var posterProbes = []struct{ sel, attr string }{
	{`article.poster.poster-a4[lang=vi]`, "data-desk"},
	{`.poster .p-parent`, ""},
	{`.poster .p-unit`, ""},
	{`.poster .p-office`, ""},
	{`.poster .p-desk`, ""},
	{`.poster h2.p-ask`, ""},
	{`.poster .p-lead`, ""},
	{`.poster img.p-qr`, "src"},
	{`.poster img.p-qr`, "alt"},
	{`.poster ol.p-steps > li`, ""},
	{`.poster .p-url-label`, ""},
	{`.poster .p-short`, ""},
	{`.poster .p-en[lang=en]`, ""},
	{`.poster .p-foot .p-addr`, ""},
}

// pageProbes are recorded once, from the first poster page: what makes it
// a printable page.
var pageProbes = []struct{ sel, attr string }{
	{`html`, "lang"},
	{`body`, "class"},
	{`head link[rel=stylesheet][href*="/static/print."]`, ""},
	{`head script[src*="/static/print."][defer]`, ""},
	{`.toolbar h1`, ""},
	{`.toolbar button.print-btn[data-print][type=button]`, ""},
	{`.toolbar a[href*="size=a5"]`, ""},
	{`.toolbar a[href*="/leaflets?desk="]`, ""},
	{`[onclick], script:not([src])`, ""},
	{`article.poster`, "data-desk"},
}

var spaces = regexp.MustCompile(`\s+`)

// probe describes what sel finds in doc: "n× value | value".
func probe(doc *goquery.Document, sel, attr string) string {
	found := doc.Find(sel)
	var vals []string
	found.Each(func(_ int, s *goquery.Selection) {
		v := s.Text()
		if attr != "" {
			v, _ = s.Attr(attr)
		}
		vals = append(vals, strings.TrimSpace(spaces.ReplaceAllString(v, " ")))
	})
	key := sel
	if attr != "" {
		key += " @" + attr
	}
	return strings.TrimRight(fmt.Sprintf("  %s: %d× %s", key, found.Length(), strings.Join(vals, " | ")), " ") + "\n"
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/hailong -run %s -update to create it)", err, t.Name())
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs from the rendered pages at line %d:\n  golden:   %q\n  rendered: %q\n"+
				"if the change is intended, run: go test ./cmd/hailong -run %s -update", path, i+1, w, g, t.Name())
		}
	}
}

func TestPosterPages(t *testing.T) {
	a := startApp(t, t.TempDir(), nil)
	desks := apiDesks(t, a)
	c := loginClient(t, a)
	scheme := strings.SplitAfter(a.URL, "://")[0]
	host := strings.TrimPrefix(a.URL, scheme)

	var golden strings.Builder
	golden.WriteString("# What each demo desk's poster page (GET /desks/{id}/poster) holds: selector [@attribute]: count× values.\n" +
		"# The app's host:port is {host} and the desk code's MAC is {mac}. Rewrite with:\n" +
		"#   go test ./cmd/hailong -run TestPosterPages -update\n")
	for i, d := range desks {
		doc := getDoc(t, c, a.URL+"/desks/"+d.ID+"/poster")
		if i == 0 {
			golden.WriteString("page /desks/" + d.ID + "/poster\n")
			for _, p := range pageProbes {
				golden.WriteString(probe(doc, p.sel, p.attr))
			}
		}
		golden.WriteString("desk " + d.ID + "\n")
		for _, p := range posterProbes {
			golden.WriteString(probe(doc, p.sel, p.attr))
		}

		// What the golden file cannot hold, as it changes with each run:
		// the short URL is the survey URL without its scheme.
		short := strings.TrimSpace(doc.Find(".poster .p-short").Text())
		if short != strings.TrimPrefix(d.SurveyURL, scheme) || !strings.HasPrefix(d.SurveyURL, scheme) {
			t.Errorf("poster of %s shows %q, want the survey URL %s without its scheme", d.ID, short, d.SurveyURL)
		}
		if got := doc.Find(".poster .p-unit").Text(); got != d.UnitName {
			t.Errorf("poster of %s names the unit %q, want %q", d.ID, got, d.UnitName)
		}
		if got := doc.Find(".poster .p-desk").Text(); got != d.Name {
			t.Errorf("poster of %s names the desk %q, want %q", d.ID, got, d.Name)
		}
	}
	doc := getDoc(t, c, a.URL+"/desks/vt-q1/poster?size=a5")
	golden.WriteString("page /desks/vt-q1/poster?size=a5\n")
	golden.WriteString(probe(doc, `article.poster.poster-a5`, "data-desk"))
	golden.WriteString(probe(doc, `.toolbar a[href*="size=a4"]`, ""))
	// The English toolbar around a poster that stays Vietnamese.
	doc = getDoc(t, c, a.URL+"/desks/vt-q1/poster?lang=en")
	golden.WriteString("page /desks/vt-q1/poster?lang=en\n")
	for _, p := range []struct{ sel, attr string }{{`html`, "lang"}, {`.toolbar h1`, ""}, {`.toolbar button.print-btn`, ""},
		{`article.poster`, "lang"}, {`.poster h2.p-ask`, ""}} {
		golden.WriteString(probe(doc, p.sel, p.attr))
	}

	got := strings.ReplaceAll(golden.String(), host, "{host}")
	got = regexp.MustCompile(`(/s/[a-z0-9-]+?)-[a-z2-9]{10}\b`).ReplaceAllString(got, "$1-{mac}")
	got = regexp.MustCompile(`(\?v=)[a-z2-9]{10}\b`).ReplaceAllString(got, "$1{mac}")
	for _, d := range desks {
		if code := strings.TrimPrefix(d.SurveyURL, a.URL+"/s/"); strings.Contains(got, code) || strings.Contains(got, host) {
			t.Fatalf("the golden text still holds a per-run value (%s or %s):\n%s", host, code, got)
		}
	}
	checkGolden(t, "poster.golden", got)

	for _, tt := range []struct {
		path string
		want int
	}{
		{"/desks/vt-q1/poster?size=a3", http.StatusBadRequest},
		{"/desks/khong-co-quay/poster", http.StatusNotFound},
		{"/units/khong-co/posters", http.StatusNotFound},
		{"/units/khong-co/leaflets", http.StatusNotFound},
		{"/units/vt-p1/leaflets?desk=vt-q1", http.StatusNotFound},
	} {
		if res, _ := get(t, c, a.URL+tt.path); res.StatusCode != tt.want {
			t.Errorf("GET %s: %d, want %d", tt.path, res.StatusCode, tt.want)
		}
	}
}

func TestPosterBatchAndLeaflets(t *testing.T) {
	a := startApp(t, t.TempDir(), nil)
	var want []string
	for _, d := range apiDesks(t, a) {
		if d.Unit == "vt-p1" && d.Active {
			want = append(want, d.ID)
		}
	}
	if len(want) < 2 {
		t.Fatalf("demo unit vt-p1 has desks %v, want at least 2", want)
	}
	c := loginClient(t, a)

	doc := getDoc(t, c, a.URL+"/units/vt-p1/posters")
	var got []string
	doc.Find("article.poster").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-desk")
		got = append(got, id)
		if src, _ := s.Find("img.p-qr").Attr("src"); !strings.HasPrefix(src, "/qr/"+id+".svg?v=") {
			t.Errorf("batch poster of %s: QR src %q", id, src)
		}
		if n := s.Find("ol.p-steps > li").Length(); n != 3 {
			t.Errorf("batch poster of %s: %d steps, want 3", id, n)
		}
	})
	if !slices.Equal(got, want) {
		t.Errorf("batch sheet of vt-p1 has posters %v, want one per desk %v", got, want)
	}
	if n := doc.Find(`head link[href*="/static/print."]`).Length(); n != 1 {
		t.Errorf("batch sheet loads print.css %d times, want 1", n)
	}

	doc = getDoc(t, c, a.URL+"/units/vt-p1/leaflets")
	got = nil
	doc.Find("section.leaflet-sheet").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-desk")
		got = append(got, id)
		copies := s.Find("article.leaflet")
		if copies.Length() != 4 {
			t.Errorf("leaflet sheet of %s has %d leaflets, want 4", id, copies.Length())
		}
		copies.Each(func(_ int, l *goquery.Selection) {
			if d, _ := l.Attr("data-desk"); d != id {
				t.Errorf("leaflet sheet of %s holds a leaflet of %s", id, d)
			}
			if src, _ := l.Find("img.l-qr").Attr("src"); !strings.HasPrefix(src, "/qr/"+id+".svg?v=") {
				t.Errorf("leaflet of %s: QR src %q", id, src)
			}
			if !strings.Contains(l.Find(".l-ask").Text(), "Ông/Bà hài lòng") {
				t.Errorf("leaflet of %s: heading %q", id, l.Find(".l-ask").Text())
			}
		})
	})
	if !slices.Equal(got, want) {
		t.Errorf("leaflets of vt-p1 are for %v, want one A4 sheet per desk %v", got, want)
	}

	doc = getDoc(t, c, a.URL+"/units/vt-p1/leaflets?desk="+want[1])
	if n := doc.Find("section.leaflet-sheet").Length(); n != 1 {
		t.Errorf("leaflets of one desk: %d sheets, want 1", n)
	}

	// A paused desk gets no poster in the batch (its code would only say
	// "not taking ratings"), and the sheet says so; its own page warns.
	req, _ := http.NewRequest(http.MethodPatch, a.URL+"/api/v1/desks/"+want[1], strings.NewReader(`{"active": false}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("admin", testAdminPassword)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("pause desk %s: %d", want[1], res.StatusCode)
	}
	doc = getDoc(t, c, a.URL+"/units/vt-p1/posters")
	if n := doc.Find("article.poster").Length(); n != len(want)-1 {
		t.Errorf("batch sheet with %s paused: %d posters, want %d", want[1], n, len(want)-1)
	}
	if note := doc.Find(".toolbar .alert").Text(); !strings.Contains(note, "tạm ngừng") {
		t.Errorf("batch sheet does not name the paused desk it leaves out: %q", note)
	}
	doc = getDoc(t, c, a.URL+"/desks/"+want[1]+"/poster")
	if note := doc.Find(".toolbar .alert").Text(); !strings.Contains(note, "tạm ngừng") {
		t.Errorf("poster page of a paused desk has no warning: %q", note)
	}
}

// printPDF prints the current page of the tab as Chromium's print dialog
// would, with the page size and margins of the CSS @page rules.
func printPDF(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{
		PreferCSSPageSize: new(true),
		PrintBackground:   new(true),
	})
	return res.Data, err
}

var mediaBox = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)

// pdfPages counts the page objects of a PDF.
func pdfPages(pdf []byte) int {
	return bytes.Count(pdf, []byte("/Type /Page")) - bytes.Count(pdf, []byte("/Type /Pages"))
}

func TestBrowserPosterPDF(t *testing.T) {
	ctx := newBrowser(t)
	a := startApp(t, t.TempDir(), nil)
	ck := sessionCookie(t, loginClient(t, a), a)

	const (
		a4W, a4H = 595.28, 841.89 // 210 × 297 mm in points
		a5W, a5H = 419.53, 595.28 // 148 × 210 mm
	)
	for _, tt := range []struct {
		path       string
		pages      int
		w, h       float64
		outputName string
	}{
		{"/desks/vt-q1/poster", 1, a4W, a4H, "poster-a4.pdf"},
		{"/desks/vt-q1/poster?size=a5", 1, a5W, a5H, "poster-a5.pdf"},
		{"/units/vt-p1/posters", 2, a4W, a4H, "posters-vt-p1.pdf"},
		{"/units/vt-p1/leaflets", 2, a4W, a4H, "leaflets-vt-p1.pdf"},
	} {
		browserDo(t, ctx, "open "+tt.path,
			chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{
					Name: ck.Name, Value: ck.Value, URL: a.URL, HTTPOnly: new(true),
				})
				return err
			}),
			chromedp.Navigate(a.URL+tt.path),
			chromedp.WaitVisible(chromedp.CSS("img.p-qr, img.l-qr")),
		)
		// The QR images are part of the printout: wait until all are loaded.
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.images].every(i => i.complete && i.naturalWidth > 0)`,
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("%s: QR images did not load: %v", tt.path, err)
		}
		pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](printPDF))
		if err != nil {
			t.Fatalf("print %s to PDF: %v", tt.path, err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) <= 1024 {
			t.Fatalf("print %s: %d bytes starting %q, want a PDF over 1 KB", tt.path, len(pdf), pdf[:min(8, len(pdf))])
		}
		pages := pdfPages(pdf)
		t.Logf("%s printed to a PDF of %d bytes (%.1f KiB), %d page(s)", tt.path, len(pdf), float64(len(pdf))/1024, pages)
		if pages != tt.pages {
			t.Errorf("%s printed on %d pages, want %d", tt.path, pages, tt.pages)
		}
		// Every page has the size of the CSS @page rule (Chromium rounds
		// to whole CSS pixels: within 1.5 pt).
		for _, m := range mediaBox.FindAllSubmatch(pdf, -1) {
			w, _ := strconv.ParseFloat(string(m[1]), 64)
			h, _ := strconv.ParseFloat(string(m[2]), 64)
			if math.Abs(w-tt.w) > 1.5 || math.Abs(h-tt.h) > 1.5 {
				t.Errorf("%s printed on a page of %.2f × %.2f pt, want %.2f × %.2f (the CSS @page size)", tt.path, w, h, tt.w, tt.h)
			}
		}
		if dir := os.Getenv("HAILONG_TEST_PDF_DIR"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, tt.outputName), pdf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
