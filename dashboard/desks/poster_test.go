package desks_test

// QR images and printable posters (issue 4, items 3 and 4): officials only,
// the QR decodes to the desk's survey URL, and every demo desk's poster has
// the same structure (golden file). Chromium printing one to a one-page PDF
// is TestBrowserPosterPDF in cmd/hailong (the browser tests live there).

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestQRImages(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desks := a.Desks(t)

	// Anonymous: every QR and poster route sends to the login page. An
	// image would reveal a valid desk code.
	anon := apptest.Client(t)
	for _, p := range []string{"/qr/vt-q1.png", "/qr/vt-q1.svg", "/qr/nobody.png", "/desks/vt-q1/poster",
		"/units/vt-p1/posters", "/units/vt-p1/leaflets"} {
		res, _ := apptest.Get(t, anon, a.URL+p)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("anonymous GET %s: %d to %q, want 303 to /login", p, res.StatusCode, loc)
		}
	}

	c, _ := apptest.Admin(t, a.URL)
	for _, d := range desks {
		res, body := apptest.Get(t, c, a.URL+"/qr/"+d.ID+".png")
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
		} else if res, _ := apptest.Get(t, c, a.URL+"/qr/"+d.ID+".png", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("/qr/%s.png with If-None-Match its ETag: %d, want 304", d.ID, res.StatusCode)
		}

		res, body = apptest.Get(t, c, a.URL+"/qr/"+d.ID+".svg")
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
		res, body := apptest.Get(t, c, a.URL+tt.path)
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
		_, body := apptest.Get(t, c, a.URL+"/qr/"+d.ID+".png")
		if got := apptest.ZbarDecode(t, body); got != d.SurveyURL {
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
		t.Fatalf("%v (run go test ./dashboard/desks -run %s -update to create it)", err, t.Name())
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
				"if the change is intended, run: go test ./dashboard/desks -run %s -update", path, i+1, w, g, t.Name())
		}
	}
}

func TestPosterPages(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desks := a.Desks(t)
	c, _ := apptest.Admin(t, a.URL)
	scheme := strings.SplitAfter(a.URL, "://")[0]
	host := strings.TrimPrefix(a.URL, scheme)

	var golden strings.Builder
	golden.WriteString("# What each demo desk's poster page (GET /desks/{id}/poster) holds: selector [@attribute]: count× values.\n" +
		"# The app's host:port is {host} and the desk code's MAC is {mac}. Rewrite with:\n" +
		"#   go test ./dashboard/desks -run TestPosterPages -update\n")
	for i, d := range desks {
		doc := apptest.HTMLPage(t, c, a.URL+"/desks/"+d.ID+"/poster")
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
	doc := apptest.HTMLPage(t, c, a.URL+"/desks/vt-q1/poster?size=a5")
	golden.WriteString("page /desks/vt-q1/poster?size=a5\n")
	golden.WriteString(probe(doc, `article.poster.poster-a5`, "data-desk"))
	golden.WriteString(probe(doc, `.toolbar a[href*="size=a4"]`, ""))
	// The English toolbar around a poster that stays Vietnamese.
	doc = apptest.HTMLPage(t, c, a.URL+"/desks/vt-q1/poster?lang=en")
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
		if res, _ := apptest.Get(t, c, a.URL+tt.path); res.StatusCode != tt.want {
			t.Errorf("GET %s: %d, want %d", tt.path, res.StatusCode, tt.want)
		}
	}
}

func TestPosterBatchAndLeaflets(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	var want []string
	for _, d := range a.Desks(t) {
		if d.Unit == "vt-p1" && d.Active {
			want = append(want, d.ID)
		}
	}
	if len(want) < 2 {
		t.Fatalf("demo unit vt-p1 has desks %v, want at least 2", want)
	}
	c, _ := apptest.Admin(t, a.URL)

	doc := apptest.HTMLPage(t, c, a.URL+"/units/vt-p1/posters")
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

	doc = apptest.HTMLPage(t, c, a.URL+"/units/vt-p1/leaflets")
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

	doc = apptest.HTMLPage(t, c, a.URL+"/units/vt-p1/leaflets?desk="+want[1])
	if n := doc.Find("section.leaflet-sheet").Length(); n != 1 {
		t.Errorf("leaflets of one desk: %d sheets, want 1", n)
	}

	// A paused desk gets no poster in the batch (its code would only say
	// "not taking ratings"), and the sheet says so; its own page warns.
	req, _ := http.NewRequest(http.MethodPatch, a.URL+"/api/v1/desks/"+want[1], strings.NewReader(`{"active": false}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("admin", apptest.AdminPassword)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("pause desk %s: %d", want[1], res.StatusCode)
	}
	doc = apptest.HTMLPage(t, c, a.URL+"/units/vt-p1/posters")
	if n := doc.Find("article.poster").Length(); n != len(want)-1 {
		t.Errorf("batch sheet with %s paused: %d posters, want %d", want[1], n, len(want)-1)
	}
	if note := doc.Find(".toolbar .alert").Text(); !strings.Contains(note, "tạm ngừng") {
		t.Errorf("batch sheet does not name the paused desk it leaves out: %q", note)
	}
	doc = apptest.HTMLPage(t, c, a.URL+"/desks/"+want[1]+"/poster")
	if note := doc.Find(".toolbar .alert").Text(); !strings.Contains(note, "tạm ngừng") {
		t.Errorf("poster page of a paused desk has no warning: %q", note)
	}
}
