package paper

import (
	"strings"
	"testing"
)

func TestSerialRoundTrip(t *testing.T) {
	for _, batch := range []string{"K7MQ", "2222", "YYYY", "A9B2"} {
		for _, n := range []int{1, 42, 999, 1000} {
			s := makeSerial(batch, n)
			got, ok := parseSerial(s)
			if !ok || got != s {
				t.Errorf("parseSerial(%q) = %q, %v; want itself", s, got, ok)
			}
		}
	}
	s := makeSerial("K7MQ", 42)
	for _, typed := range []string{"k7mq-0042-" + s[len(s)-1:], " K7MQ 0042 " + s[len(s)-1:], "K7MQ0042" + s[len(s)-1:]} {
		if got, ok := parseSerial(typed); !ok || got != s {
			t.Errorf("parseSerial(%q) = %q, %v; want %q", typed, got, ok, s)
		}
	}
}

// Every single mistyped character and every swap of two neighbouring
// characters is refused: a typo never lands on another form.
func TestSerialCatchesTypos(t *testing.T) {
	for _, batch := range []string{"K7MQ", "XW3P", "2A2A", "Y2Y9"} {
		for n := 1; n <= maxBatchForms; n += 37 {
			s := makeSerial(batch, n)
			body := []byte(s[:4] + s[5:9] + s[10:])
			for i := range body {
				for j := 0; j < len(serialAlphabet); j++ {
					c := serialAlphabet[j]
					if c == body[i] {
						continue
					}
					typo := append([]byte(nil), body...)
					typo[i] = c
					if got, ok := parseSerial(string(typo)); ok {
						t.Fatalf("typo %q of %s accepted as %s", typo, s, got)
					}
				}
				if i+1 < len(body) && body[i] != body[i+1] {
					swap := append([]byte(nil), body...)
					swap[i], swap[i+1] = swap[i+1], swap[i]
					if got, ok := parseSerial(string(swap)); ok {
						t.Fatalf("swap %q of %s accepted as %s", swap, s, got)
					}
				}
			}
		}
	}
}

func TestBatchCodesAvoidUndetectedSwaps(t *testing.T) {
	for range 200 {
		if code := newBatchCode(); strings.ContainsAny(code, "01Z") || len(code) != batchCodeLen {
			t.Fatalf("batch code %q: want %d characters without 0, 1 or Z", code, batchCodeLen)
		}
	}
}

func TestSerialRefusesShapes(t *testing.T) {
	for _, typed := range []string{"", "K7MQ", "K7MQ-0042", "K7MQ-00A2-X", "K7MQ-00042-X", "K7MQ-0042-XX", "Đ7MQ-0042-X", "K7MU-0042-X"} {
		if got, ok := parseSerial(typed); ok {
			t.Errorf("parseSerial(%q) = %q, want refused", typed, got)
		}
	}
}
