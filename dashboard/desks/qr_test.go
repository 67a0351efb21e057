package desks

import (
	"strings"
	"testing"

	"hailong/qr"
	"hailong/survey"
)

func TestETagMatches(t *testing.T) {
	const etag = `"abc"`
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{`"abc"`, true},
		{`W/"abc"`, true},
		{`"x", W/"abc"`, true},
		{`*`, true},
		{`"abd"`, false},
		{`abc`, false},
	} {
		if got := etagMatches(tc.header, etag); got != tc.want {
			t.Errorf("etagMatches(%q, %q) = %v, want %v", tc.header, etag, got, tc.want)
		}
	}
}

func TestLinks(t *testing.T) {
	codes := qr.NewSigner([]byte("links"))
	l := NewLinks("https://hailong.example/", codes)
	d := &survey.Desk{ID: "vt-p1-mc", Generation: 2}
	if got, want := l.Survey(d), "https://hailong.example/s/"+codes.DeskCode(d.ID, 2); got != want {
		t.Errorf("Survey = %q, want %q", got, want)
	}
	if got, want := l.Portal("vt p1"), "https://hailong.example/p/vt%20p1"; got != want {
		t.Errorf("Portal = %q, want %q", got, want)
	}
	h := &Handler{codes: codes}
	if v := h.qrVersion(d); v == "" || !strings.HasSuffix(l.Survey(d), v) {
		t.Errorf("qrVersion = %q: want the end of the desk's code", v)
	}
}
