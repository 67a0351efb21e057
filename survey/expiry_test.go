package survey

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hailong/qr"
)

// A rotating desk's code is accepted in its own window and the one after
// it, never later, never before it was shown.
func TestRotatingCodeWindows(t *testing.T) {
	codes := qr.NewSigner([]byte("a test secret of at least 32 characters"))
	h := &Handler{codes: codes}
	d := &Desk{ID: "vt-q2", Generation: 3, QRMode: QRRotating}
	shown := time.Date(2026, 3, 2, 9, 0, 30, 0, time.UTC)
	code := codes.DeskCodeAt(d.ID, d.Generation, RotationWindow(shown))
	for _, tt := range []struct {
		name string
		at   time.Time
		want bool
	}{
		{"same window", shown, true},
		{"end of the same window", shown.Add(29 * time.Second), true},
		{"next window", shown.Add(30 * time.Second), true},
		{"end of the next window", shown.Add(89 * time.Second), true},
		{"two windows later", shown.Add(90 * time.Second), false},
		{"an hour later", shown.Add(time.Hour), false},
		{"the window before", shown.Add(-31 * time.Second), false},
	} {
		if got := h.codeValid(d, code, tt.at); got != tt.want {
			t.Errorf("%s: codeValid = %v, want %v", tt.name, got, tt.want)
		}
	}
	if h.codeValid(d, codes.DeskCode(d.ID, d.Generation), shown) {
		t.Error("the printed static code opens a rotating desk")
	}
	rotated := *d
	rotated.Generation++
	if h.codeValid(&rotated, code, shown) {
		t.Error("a code of the generation before a rotation is accepted")
	}
}

// A receipt link opens until exactly its TTL has passed, then says for how
// long it was valid, in days or, under a day, in hours.
func TestReceiptLinkTTLBoundary(t *testing.T) {
	for _, tt := range []struct {
		ttl  time.Duration
		text string
	}{
		{30 * 24 * time.Hour, "30 ngày"},
		{12 * time.Hour, "12 giờ"},
		{30 * time.Minute, "30 phút"},
	} {
		var now atomic.Int64
		issued := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		now.Store(issued.Unix())
		s := newTestSite(t, HandlerConfig{ReceiptTTL: tt.ttl, Now: func() time.Time { return time.Unix(now.Load(), 0) }})
		path := "/r/" + ReceiptToken(s.codes, s.desk.ID, "dossier-"+tt.text, "", "", issued)
		get := func() *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			s.e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			return rec
		}
		now.Store(issued.Add(tt.ttl).Unix())
		if rec := get(); rec.Code != http.StatusOK {
			t.Errorf("TTL %v: at exactly the TTL: %d, want 200", tt.ttl, rec.Code)
		}
		now.Add(1)
		rec := get()
		if rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), tt.text) || strings.Contains(rec.Body.String(), "lực 0 ngày") {
			t.Errorf("TTL %v: a second after: %d, want 410 saying %q", tt.ttl, rec.Code, tt.text)
		}
	}
}
