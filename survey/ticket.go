package survey

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// A ticket is issued with every form render and posted back with it. It
// carries the submission nonce (the unique key that makes a double tap
// store one answer) and the render time, signed so neither can be forged:
// the server, not the browser, knows how long the citizen took.
type ticket struct {
	Nonce      string
	RenderedAt time.Time
}

// ticketMaxAge bounds how long a rendered form stays valid.
const ticketMaxAge = 24 * time.Hour

type ticketer struct{ key []byte }

func newTicketer(secret []byte) ticketer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("hailong form ticket v1"))
	return ticketer{key: m.Sum(nil)}
}

// issue returns a fresh ticket for the form at path scope, rendered at now.
func (k ticketer) issue(scope string, now time.Time) string {
	raw := make([]byte, 24)
	_, _ = rand.Read(raw[:16])
	binary.BigEndian.PutUint64(raw[16:], uint64(now.UnixMilli()))
	body := base64.RawURLEncoding.EncodeToString(raw)
	return body + "." + k.mac(scope, body)
}

// parse verifies a ticket for the form at path scope; ok is false for anything forged,
// truncated, for another form, or older than ticketMaxAge.
func (k ticketer) parse(scope, s string, now time.Time) (ticket, bool) {
	body, mac, found := strings.Cut(s, ".")
	if !found || !hmac.Equal([]byte(mac), []byte(k.mac(scope, body))) {
		return ticket{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(raw) != 24 {
		return ticket{}, false
	}
	at := time.UnixMilli(int64(binary.BigEndian.Uint64(raw[16:])))
	if now.Sub(at) > ticketMaxAge || at.Sub(now) > time.Minute {
		return ticket{}, false
	}
	return ticket{Nonce: base64.RawURLEncoding.EncodeToString(raw[:16]), RenderedAt: at}, true
}

func (k ticketer) mac(scope, body string) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
