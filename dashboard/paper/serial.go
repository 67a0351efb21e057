package paper

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// Serials of printed forms look like "K7MQ-0042-X": a batch code of four
// characters, the form's number in the batch, and a check character. They
// use Crockford's base 32 (no I, L, O or U), so a form is keyed the way it
// reads: lower case, spaces, dashes, O for 0 and I or L for 1 are all
// accepted. The check character is Luhn mod 32, which catches every
// single mistyped character and every swap of two neighbours but 0↔Z;
// batch codes use neither 0 nor Z (nor 1), and numbers are digits only, so
// no swap goes unnoticed. A typo is reported as an unknown serial instead
// of landing on another form.
const serialAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// batchAlphabet is what batch codes are drawn from: no 0, 1 or Z.
const batchAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXY"

const (
	batchCodeLen = 4
	serialNumLen = 4
	// maxBatchForms is the most forms one batch prints (numbers 0001–1000).
	maxBatchForms = 1000
)

// newBatchCode returns a random batch code; the caller retries on a
// collision with an existing batch.
func newBatchCode() string {
	b := make([]byte, batchCodeLen)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = batchAlphabet[int(b[i])%len(batchAlphabet)]
	}
	return string(b)
}

// makeSerial returns the serial of form n of a batch.
func makeSerial(batch string, n int) string {
	body := fmt.Sprintf("%s%0*d", batch, serialNumLen, n)
	return fmt.Sprintf("%s-%s-%c", body[:batchCodeLen], body[batchCodeLen:], checkChar(body))
}

// checkChar is the Luhn mod 32 check character of body (canonical chars).
func checkChar(body string) byte {
	const n = len(serialAlphabet)
	factor, sum := 2, 0
	for i := len(body) - 1; i >= 0; i-- {
		addend := factor * strings.IndexByte(serialAlphabet, body[i])
		addend = addend/n + addend%n
		sum += addend
		if factor == 2 {
			factor = 1
		} else {
			factor = 2
		}
	}
	return serialAlphabet[(n-sum%n)%n]
}

// parseSerial reads a typed or scanned serial. ok is false when it is not
// shaped like one or its check character does not match; canonical is the
// serial as printed.
func parseSerial(typed string) (canonical string, ok bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || strings.IndexByte(serialAlphabet, byte(r)) < 0 {
			return "", false
		}
		b.WriteRune(r)
	}
	s := b.String()
	if len(s) != batchCodeLen+serialNumLen+1 {
		return "", false
	}
	body := s[:len(s)-1]
	for _, r := range body[batchCodeLen:] {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	if checkChar(body) != s[len(s)-1] {
		return "", false
	}
	return body[:batchCodeLen] + "-" + body[batchCodeLen:] + "-" + s[len(s)-1:], true
}

// serialBatch returns the batch code of a canonical serial.
func serialBatch(serial string) string { return serial[:batchCodeLen] }

// displaySerial is what a message shows of what was typed: trimmed and
// bounded, since it is echoed back.
func displaySerial(typed string) string {
	typed = strings.TrimSpace(typed)
	if r := []rune(typed); len(r) > 24 {
		typed = string(r[:24]) + "…"
	}
	return typed
}
