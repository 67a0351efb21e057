package desks_test

// A poster printed right after "Đổi mã QR" must carry the new code: the
// page's QR image URL is versioned by the code, and the unversioned image
// is never served from the browser's cache without revalidation.

import (
	"net/http"
	"strings"
	"testing"

	"hailong/internal/app/apptest"
)

func TestQRImageURLFollowsRotation(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	c, _ := apptest.Admin(t, a.URL)
	posterQR := func() string {
		src, ok := apptest.HTMLPage(t, c, a.URL+"/desks/vt-q1/poster").Find(".poster img.p-qr").Attr("src")
		if !ok || !strings.HasPrefix(src, "/qr/vt-q1.svg?v=") {
			t.Fatalf("poster QR src %q, want /qr/vt-q1.svg?v=…", src)
		}
		return src
	}
	cache := func(path string) string {
		res, _ := apptest.Get(t, c, a.URL+path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return res.Header.Get("Cache-Control")
	}

	before := posterQR()
	if cc := cache(before); cc != "private, max-age=300" {
		t.Errorf("versioned %s: Cache-Control %q, want private, max-age=300", before, cc)
	}
	for _, p := range []string{"/qr/vt-q1.svg", "/qr/vt-q1.png", "/qr/vt-q1.png?v=khongphai"} {
		if cc := cache(p); cc != "private, no-cache" {
			t.Errorf("%s: Cache-Control %q, want private, no-cache", p, cc)
		}
	}

	var desk apptest.Desk
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/desks/vt-q1/rotate", nil, &desk); code != http.StatusOK {
		t.Fatalf("rotate: %d", code)
	}
	if desk.UnitName == "" {
		t.Errorf("the rotate answer has an empty unit_name: %+v", desk)
	}
	after := posterQR()
	if after == before {
		t.Fatalf("the poster's QR URL %s did not change with the code", after)
	}
	// The old page's URL must now revalidate rather than be kept.
	if cc := cache(before); cc != "private, no-cache" {
		t.Errorf("stale %s after rotation: Cache-Control %q, want private, no-cache", before, cc)
	}
	// The /desks page's download links carry the same version.
	doc := apptest.HTMLPage(t, c, a.URL+"/desks")
	if href, _ := doc.Find(`a[href^="/qr/vt-q1.svg"]`).Attr("href"); href != after {
		t.Errorf("/desks SVG link %q, want %q", href, after)
	}
	_, body := apptest.Get(t, c, a.URL+strings.Replace(after, ".svg", ".png", 1))
	if got := apptest.ZbarDecode(t, body); got != desk.SurveyURL {
		t.Errorf("the poster's QR after rotation decodes to %q, want the new survey URL %q", got, desk.SurveyURL)
	}
}
