package desks_test

// Receipt-link input checks (issue 4): lengths in characters, the right
// field named, the field one of the desk's; the display page survives a
// failed reload.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hailong/internal/app/apptest"
)

func TestReceiptLinkInputChecks(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	// 200 characters, 400 bytes: a byte count would refuse it.
	long := strings.Repeat("Đ", 200)
	for _, tt := range []struct {
		name      string
		body      map[string]string
		want      int
		mentions  []string
		forbidden string
	}{
		{"200 Vietnamese characters", map[string]string{"procedure": long}, http.StatusCreated, nil, ""},
		{"201 characters", map[string]string{"procedure": long + "a"}, http.StatusBadRequest, []string{"procedure", "200 ký tự"}, ""},
		{"procedure with a line break", map[string]string{"procedure": "Khai sinh\nKết hôn"}, http.StatusBadRequest, []string{"procedure"}, ""},
		{"field of the desk", map[string]string{"field": "chung-thuc"}, http.StatusCreated, nil, ""},
		{"field not of the desk", map[string]string{"field": "dat-dai"}, http.StatusBadRequest, []string{"dat-dai", "vt-q1", "ho-tich"}, ""},
		{"unknown field", map[string]string{"field": "khong-co-linh-vuc"}, http.StatusBadRequest, []string{"khong-co-linh-vuc"}, ""},
		{"field too long", map[string]string{"field": strings.Repeat("a", 101)}, http.StatusBadRequest, []string{"field"}, "procedure"},
		{"field with capitals", map[string]string{"field": "Hộ tịch"}, http.StatusBadRequest, []string{"field"}, "procedure"},
	} {
		body := map[string]string{"desk": "vt-q1", "dossier_code": "H01-" + tt.name}
		for k, v := range tt.body {
			body[k] = v
		}
		var e struct{ Error string }
		code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/receipt-links", body, &e)
		if code != tt.want {
			t.Errorf("%s: %d %q, want %d", tt.name, code, e.Error, tt.want)
			continue
		}
		for _, m := range tt.mentions {
			if !strings.Contains(e.Error, m) {
				t.Errorf("%s: message %q does not mention %q", tt.name, e.Error, m)
			}
		}
		if tt.forbidden != "" && strings.Contains(e.Error, tt.forbidden) {
			t.Errorf("%s: message %q names %q", tt.name, e.Error, tt.forbidden)
		}
	}
}

// The display reloads through display.js (which retries), with a meta
// refresh only for browsers without JavaScript.
func TestDisplayPageRetries(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/desks/vt-q2", map[string]any{"qr_mode": "rotating"}, nil); code != http.StatusOK {
		t.Fatalf("rotating mode: %d", code)
	}
	c, csrf := apptest.Admin(t, a.URL)
	res, err := c.PostForm(a.URL+"/desks/vt-q2/device", url.Values{"_csrf": {csrf}, "kind": {"display"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register display: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	doc := apptest.HTMLPage(t, c, a.URL+"/desk/vt-q2/display")
	if n := doc.Find(`head script[src*="/static/display."][defer]`).Length(); n != 1 {
		t.Errorf("display.js loaded %d times, want 1", n)
	}
	if r, ok := doc.Find(".display-box").Attr("data-refresh"); !ok || r == "" || r == "0" {
		t.Errorf("data-refresh = %q", r)
	}
	html, _ := doc.Html()
	if i := strings.Index(html, `http-equiv="refresh"`); i >= 0 && !strings.Contains(html[:i], "<noscript>") {
		t.Error("the display has a meta refresh outside <noscript>: one failed load would leave an error page")
	}
	_, js := apptest.Get(t, c, a.URL+doc.Find(`script[src*="/static/display."]`).AttrOr("src", ""))
	if !strings.Contains(string(js), "later(5)") {
		t.Error("display.js does not retry after a failed load")
	}
}
