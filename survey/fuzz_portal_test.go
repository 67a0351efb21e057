package survey

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzPortal: the unit-level portal form's own fields, where (desk:ID,
// field:CODE or unknown) and served, plus the answers: whatever is sent,
// the portal answers 2xx, 3xx or 4xx, never 5xx, and never panics. Run
// longer with
//
//	go test ./survey -run '^$' -fuzz FuzzPortal -fuzztime 60s
func FuzzPortal(f *testing.F) {
	answers := validForm().Encode()
	for _, pick := range []string{
		"where=desk:vt-q1&served=in_person",
		"where=field:ho-tich&served=online_full",
		"where=unknown&served=online_partial",
		"where=desk:vt-q1&where=field:dat-dai&served=in_person&served=online_full",
		"where=desk:khong-co&served=by_pigeon",
		"where=field:&served=",
		"where=desk:&served=in_person",
		"where=desk:vt-p1-q1&served=in_person", // a desk of another unit
		"where=" + url.QueryEscape("desk:vt-q1\x00") + "&served=" + url.QueryEscape("in_person\xff"),
		"where=" + strings.Repeat("field:x", 500),
		"served=in_person",
		"where=unknown",
		"",
	} {
		f.Add(pick, answers)
		f.Add(pick, "")
	}
	site := newTestSite(f, HandlerConfig{Limits: Limits{MinFill: 5 * time.Second}})
	path := "/p/" + site.desk.Unit
	post := func(body string) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		site.e.ServeHTTP(rec, req)
		return rec.Code
	}
	// The harness reaches a stored answer, so the fuzzer explores past
	// the ticket and the pick.
	ok, _ := url.ParseQuery("where=desk:" + site.desk.ID + "&served=in_person&" + answers)
	ok.Set(FieldTicket, site.h.tickets.issue(path, site.h.now().Add(-time.Minute)))
	if code := post(ok.Encode()); code != http.StatusSeeOther {
		f.Fatalf("a valid portal answer: %d, want 303", code)
	}

	f.Fuzz(func(t *testing.T, pick, rest string) {
		raw := pick + "&" + rest
		parsed, _ := url.ParseQuery(raw)
		// The raw body as sent, then with a valid ticket so the fuzzer
		// reaches the pick and the answers.
		parsed.Set(FieldTicket, site.h.tickets.issue(path, site.h.now().Add(-time.Minute)))
		for _, body := range []string{raw, parsed.Encode()} {
			if code := post(body); code >= http.StatusInternalServerError || code < http.StatusOK {
				t.Fatalf("status %d for portal body %q", code, body)
			}
		}
	})
}
