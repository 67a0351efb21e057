package web

import "testing"

func TestParseFrameAncestors(t *testing.T) {
	for in, want := range map[string]string{
		"https:": "https:",
		"*":      "*",
		"https://dichvucong.example.gov.vn, https://cong.example.vn:8443": "https://dichvucong.example.gov.vn https://cong.example.vn:8443",
		"http://localhost:8081/": "http://localhost:8081",
	} {
		if got, err := ParseFrameAncestors(in); err != nil || got != want {
			t.Errorf("ParseFrameAncestors(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " , ", "javascript:alert(1)", "https://a.example/page", "'self'", "https://a.example;script-src *", "ftp://a.example", "https://u@a.example"} {
		if got, err := ParseFrameAncestors(bad); err == nil {
			t.Errorf("ParseFrameAncestors(%q) = %q, want an error", bad, got)
		}
	}
}
