// Package qr makes the codes citizens scan: signed desk codes and their
// images. It imports nothing of ours.
package qr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// macLen is the number of base32 characters of the MAC kept in a code:
// 50 bits, far beyond what a rate-limited guesser can try.
const macLen = 10

var b32 = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// Signer makes and checks desk codes. A code is "{deskID}-{mac}" where the
// MAC covers the desk id and its QR generation, so codes cannot be guessed
// or forged, and rotating a desk's QR invalidates its old posters.
type Signer struct {
	key []byte
}

// NewSigner derives the desk-code key from the service secret, so the
// secret itself never signs two kinds of thing.
func NewSigner(secret []byte) *Signer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("hailong desk code v1"))
	return &Signer{key: m.Sum(nil)}
}

// DeskCode returns the code printed for a desk at a QR generation.
func (s *Signer) DeskCode(deskID string, generation int) string {
	return deskID + "-" + s.mac(deskID, generation)
}

// DeskID splits a code into the desk id it claims, without verifying it.
func (s *Signer) DeskID(code string) (string, bool) {
	i := strings.LastIndexByte(code, '-')
	if i <= 0 || len(code)-i-1 != macLen {
		return "", false
	}
	return code[:i], true
}

// Verify reports whether code is the desk's code at generation.
func (s *Signer) Verify(code, deskID string, generation int) bool {
	return hmac.Equal([]byte(code), []byte(s.DeskCode(deskID, generation)))
}

func (s *Signer) mac(deskID string, generation int) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(deskID))
	m.Write([]byte{0})
	m.Write([]byte(strconv.Itoa(generation)))
	return b32.EncodeToString(m.Sum(nil))[:macLen]
}
