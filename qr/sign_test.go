package qr

import (
	"strings"
	"testing"
)

var (
	testSecret  = []byte("a test secret of at least thirty-two bytes")
	otherSecret = []byte("another secret of at least thirty-two bytes")
)

func TestVerify(t *testing.T) {
	s := NewSigner(testSecret)
	good := s.DeskCode("vt-q1", 1)
	mac := good[len("vt-q1-"):]
	flip := func(c byte) byte {
		if c == 'a' {
			return 'b'
		}
		return 'a'
	}
	forged := good[:len(good)-1] + string(flip(good[len(good)-1]))

	for _, tt := range []struct {
		name string
		code string
		desk string
		gen  int
		want bool
	}{
		{"valid code", good, "vt-q1", 1, true},
		{"valid code of a later generation", s.DeskCode("vt-q1", 7), "vt-q1", 7, true},
		{"forged mac", forged, "vt-q1", 1, false},
		{"guessed mac", "vt-q1-abcdefghij", "vt-q1", 1, false},
		{"truncated code", good[:len(good)-1], "vt-q1", 1, false},
		{"mac only", mac, "vt-q1", 1, false},
		{"code with extra character", good + "a", "vt-q1", 1, false},
		{"upper-cased code", strings.ToUpper(good), "vt-q1", 1, false},
		{"empty code", "", "vt-q1", 1, false},
		{"code of another desk", s.DeskCode("vt-q2", 1), "vt-q1", 1, false},
		{"mac moved to another desk", "vt-q2-" + mac, "vt-q2", 1, false},
		{"old generation after rotation", good, "vt-q1", 2, false},
		{"new generation code before rotation", s.DeskCode("vt-q1", 2), "vt-q1", 1, false},
		{"other secret", NewSigner(otherSecret).DeskCode("vt-q1", 1), "vt-q1", 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Verify(tt.code, tt.desk, tt.gen); got != tt.want {
				t.Errorf("Verify(%q, %q, %d) = %v, want %v", tt.code, tt.desk, tt.gen, got, tt.want)
			}
		})
	}
}

func TestDeskCode(t *testing.T) {
	s := NewSigner(testSecret)
	code := s.DeskCode("vt-q1", 1)
	if code != s.DeskCode("vt-q1", 1) {
		t.Error("DeskCode is not deterministic")
	}
	if code != NewSigner(testSecret).DeskCode("vt-q1", 1) {
		t.Error("two signers over the same secret disagree: replicas would refuse each other's codes")
	}
	mac, ok := strings.CutPrefix(code, "vt-q1-")
	if !ok || len(mac) != macLen {
		t.Fatalf("code %q is not vt-q1-{%d characters}", code, macLen)
	}
	// Typed by hand from a poster: no characters that read alike.
	if strings.ContainsAny(mac, "01lo") {
		t.Errorf("mac %q has an ambiguous character", mac)
	}
	if s.DeskCode("vt-q1", 1) == s.DeskCode("vt-q1", 2) {
		t.Error("rotating the generation does not change the code")
	}
}

func TestDeskID(t *testing.T) {
	s := NewSigner(testSecret)
	for _, tt := range []struct {
		name   string
		code   string
		wantID string
		wantOK bool
	}{
		{"simple id", s.DeskCode("q1", 1), "q1", true},
		{"id with hyphens", s.DeskCode("vt-nguyen-an-ninh-q2", 3), "vt-nguyen-an-ninh-q2", true},
		{"unverified code still splits", "p1-q1-abcdefghij", "p1-q1", true},
		{"no hyphen", "abcdefghijkl", "", false},
		{"empty", "", "", false},
		{"empty id", "-abcdefghij", "", false},
		{"mac too short", "vt-q1-abcdefghi", "", false},
		{"mac too long", "vt-q1-abcdefghijk", "", false},
		{"trailing hyphen", "vt-q1-", "", false},
		{"truncated", "vt-q1-abc", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id, ok := s.DeskID(tt.code)
			if id != tt.wantID || ok != tt.wantOK {
				t.Errorf("DeskID(%q) = %q, %v; want %q, %v", tt.code, id, ok, tt.wantID, tt.wantOK)
			}
		})
	}
}
