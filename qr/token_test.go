package qr

import (
	"slices"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	s := NewSigner(testSecret)
	fields := []string{"vt-q1", "hash", "1772416800", "Đăng ký khai sinh", "ho-tich"}
	good := s.Seal("receipt", fields...)
	body, mac, _ := strings.Cut(good, ".")
	device := s.Seal("device", "vt-q1", "kiosk", "0", "1772416800")
	flip := func(str string, i int) string {
		b := []byte(str)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for _, tt := range []struct {
		name    string
		purpose string
		token   string
		want    []string
	}{
		{"valid receipt token", "receipt", good, fields},
		{"valid device token", "device", device, []string{"vt-q1", "kiosk", "0", "1772416800"}},
		{"receipt token opened as a device token", "device", good, nil},
		{"device token opened as a receipt token", "receipt", device, nil},
		{"forged mac", "receipt", body + "." + flip(mac, 0), nil},
		{"forged body", "receipt", flip(body, 3) + "." + mac, nil},
		{"body of another token", "receipt", strings.SplitN(s.Seal("receipt", "vt-q2", "hash", "1772416800", "", ""), ".", 2)[0] + "." + mac, nil},
		{"truncated mac", "receipt", good[:len(good)-1], nil},
		{"truncated body", "receipt", body[1:] + "." + mac, nil},
		{"no mac", "receipt", body, nil},
		{"empty mac", "receipt", body + ".", nil},
		{"empty token", "receipt", "", nil},
		{"other secret", "receipt", NewSigner(otherSecret).Seal("receipt", fields...), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.Open(tt.purpose, tt.token)
			if ok != (tt.want != nil) || !slices.Equal(got, tt.want) {
				t.Errorf("Open(%q, %q) = %q, %v; want %q", tt.purpose, tt.token, got, ok, tt.want)
			}
		})
	}
}

func TestDeskCodeAtWindows(t *testing.T) {
	s := NewSigner(testSecret)
	const w = 29540280
	code := s.DeskCodeAt("vt-q2", 1, w)
	for _, tt := range []struct {
		name string
		desk string
		gen  int
		win  int64
		same bool
	}{
		{"same window", "vt-q2", 1, w, true},
		{"next window", "vt-q2", 1, w + 1, false},
		{"previous window", "vt-q2", 1, w - 1, false},
		{"after a rotation", "vt-q2", 2, w, false},
		{"another desk", "vt-q3", 1, w, false},
	} {
		if got := s.DeskCodeAt(tt.desk, tt.gen, tt.win) == code; got != tt.same {
			t.Errorf("%s: same code = %v, want %v", tt.name, got, tt.same)
		}
	}
	if code == s.DeskCode("vt-q2", 1) {
		t.Error("a rotating code equals the printed static code")
	}
}
