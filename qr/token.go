package qr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// Seal returns a URL-safe token carrying fields, signed for one purpose
// ("receipt", "device"...): a token made for one purpose never opens for
// another. Fields must not contain "\x1f". Tokens are readable by whoever
// holds them; they prove origin, not secrecy.
func (s *Signer) Seal(purpose string, fields ...string) string {
	body := base64.RawURLEncoding.EncodeToString([]byte(strings.Join(fields, "\x1f")))
	return body + "." + s.tokenMAC(purpose, body)
}

// Open verifies a token for purpose and returns its fields.
func (s *Signer) Open(purpose, token string) ([]string, bool) {
	body, mac, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(s.tokenMAC(purpose, body))) {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return nil, false
	}
	return strings.Split(string(raw), "\x1f"), true
}

// Keyed returns a keyed hash of value for purpose: how a dossier code is
// kept (its hash is unique per dossier, the code itself is never stored).
func (s *Signer) Keyed(purpose, value string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("keyed\x00" + purpose + "\x00"))
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:20])
}

func (s *Signer) tokenMAC(purpose, body string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("token\x00" + purpose + "\x00"))
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// DeskCodeAt returns a rotating desk's code for a time window (a count of
// minutes): the display shows a new one every window, and a photo of it
// stops working once the window after it has passed.
func (s *Signer) DeskCodeAt(deskID string, generation int, window int64) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(deskID))
	m.Write([]byte{0})
	m.Write([]byte(strings.Join([]string{"rot", strconv.FormatInt(int64(generation), 10), strconv.FormatInt(window, 10)}, "\x00")))
	return deskID + "-" + b32.EncodeToString(m.Sum(nil))[:macLen]
}
