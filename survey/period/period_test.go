package period

import (
	"reflect"
	"testing"
	"time"
)

func TestCover(t *testing.T) {
	day := func(s string) time.Time {
		d, ok := ParseDay(s)
		if !ok {
			t.Fatalf("ParseDay(%q) failed", s)
		}
		return d
	}
	labels := func(ps []Period) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Label())
		}
		return out
	}
	tests := []struct {
		from, to string
		want     []string
	}{
		{"2024-05-01", "2024-05-31", []string{"2024-05"}},
		{"2024-05-30", "2024-06-02", []string{"2024-05-30", "2024-05-31", "2024-06-01", "2024-06-02"}},
		{"2024-04-29", "2024-07-01", []string{"2024-04-29", "2024-04-30", "2024-05", "2024-06", "2024-07-01"}},
		{"2024-02-01", "2024-02-29", []string{"2024-02"}},
		{"2024-03-10", "2024-03-10", []string{"2024-03-10"}},
	}
	for _, tt := range tests {
		if got := labels(Cover(day(tt.from), day(tt.to))); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Cover(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
	if n := len(Cover(day("2024-01-01"), day("2024-12-31"))); n != 12 {
		t.Errorf("a calendar year reads %d documents, want 12", n)
	}
	// 23:30 on 31 May, Vietnam time, is 16:30 UTC: still May.
	late := time.Date(2024, 5, 31, 16, 30, 0, 0, time.UTC)
	if got := MonthOf(late).Label(); got != "2024-05" {
		t.Errorf("MonthOf(23:30 31/05 Vietnam) = %s", got)
	}
	if got := DayOf(time.Date(2024, 5, 31, 17, 0, 0, 0, time.UTC)).Label(); got != "2024-06-01" {
		t.Errorf("DayOf(00:00 01/06 Vietnam) = %s", got)
	}
}

func TestParseMonth(t *testing.T) {
	for _, tt := range []struct {
		in   string
		ok   bool
		want time.Time
	}{
		{"2024-05", true, time.Date(2024, 5, 1, 0, 0, 0, 0, Vietnam)},
		{"2024-5", false, time.Time{}},
		{"2024-13", false, time.Time{}},
		{"2024-05-01", false, time.Time{}},
		{"", false, time.Time{}},
	} {
		got, ok := ParseMonth(tt.in)
		if ok != tt.ok || (ok && !got.Equal(tt.want)) {
			t.Errorf("ParseMonth(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := ParseDay("2024-02-30"); ok {
		t.Error("ParseDay accepted 30/02")
	}
}

func TestDays(t *testing.T) {
	from := time.Date(2024, 2, 28, 0, 0, 0, 0, Vietnam)
	to := time.Date(2024, 3, 1, 0, 0, 0, 0, Vietnam)
	var got []string
	for _, p := range Days(from, to) {
		got = append(got, p.Label())
	}
	if want := []string{"2024-02-28", "2024-02-29", "2024-03-01"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Days = %v, want %v", got, want)
	}
}
