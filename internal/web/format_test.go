package web

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{FormatPercent("vi", 83.94), "83,9\u00a0%"},
		{FormatPercent("en", 83.94), "83.9%"},
		{FormatPercent("vi", 100), "100,0\u00a0%"},
		{FormatNumber("vi", 4.04, 2), "4,04"},
		{FormatNumber("en", 4.04, 2), "4.04"},
		// 23:30 on 31 May in Vietnam is 16:30 UTC: the date is still 31/05.
		{FormatDate(time.Date(2024, 5, 31, 16, 30, 0, 0, time.UTC)), "31/05/2024"},
		{FormatDate(time.Date(2024, 5, 31, 17, 0, 0, 0, time.UTC)), "01/06/2024"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"":                        "vi",
		"en-US,en;q=0.9":          "en",
		"vi-VN,vi;q=0.9,en;q=0.8": "vi",
		"fr-FR,en;q=0.5":          "en",
		"zh-CN":                   "vi",
		"vi;q=0.5,en;q=0.9":       "en",
		"en;q=0,vi":               "vi",
		"en-GB;q=0.8,fr;q=0.9":    "en",
		"not a header;;;":         "vi",
	} {
		if got := fromAcceptLanguage(h); got != want {
			t.Errorf("Accept-Language %q → %s, want %s", h, got, want)
		}
	}
}
