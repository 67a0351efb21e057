package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Sessions keeps officials' sessions in Redis so every replica sees them.
// The cookie holds "id.secret"; Redis holds only a SHA-256 of the secret, so
// a leaked Redis dump cannot be replayed as cookies.
type Sessions struct {
	rdb      *redis.Client
	idle     time.Duration
	absolute time.Duration
}

// Session is one signed-in official.
type Session struct {
	ID         string    `json:"-"`
	Username   string    `json:"u"`
	Epoch      int       `json:"e"`
	SecretHash []byte    `json:"h"`
	CreatedAt  time.Time `json:"c"`
}

// ErrNoSession means the cookie names no live session.
var ErrNoSession = errors.New("no session")

// NewSessions returns a session store with idle and absolute lifetimes.
func NewSessions(rdb *redis.Client, idle, absolute time.Duration) *Sessions {
	return &Sessions{rdb: rdb, idle: idle, absolute: absolute}
}

func sessionKey(id string) string { return "hl:sess:" + id }

// Create starts a session for username at the account's session epoch
// (raised by a password change, which ends every older session) and
// returns the cookie value.
func (s *Sessions) Create(ctx context.Context, username string, epoch int, now time.Time) (string, error) {
	id, secret := randomToken(16), randomToken(32)
	sum := sha256.Sum256([]byte(secret))
	data, err := json.Marshal(Session{Username: username, Epoch: epoch, SecretHash: sum[:], CreatedAt: now.UTC()})
	if err != nil {
		return "", err
	}
	if err := s.rdb.Set(ctx, sessionKey(id), data, s.idle).Err(); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return id + "." + secret, nil
}

// Get checks a cookie value and returns its session, extending its idle
// lifetime. Expired, unknown or tampered values give ErrNoSession.
func (s *Sessions) Get(ctx context.Context, cookie string, now time.Time) (*Session, error) {
	id, secret, ok := strings.Cut(cookie, ".")
	if !ok || len(id) != 22 || len(secret) != 43 {
		return nil, ErrNoSession
	}
	data, err := s.rdb.Get(ctx, sessionKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	var sess Session
	if err := json.Unmarshal(data, &sess); err != nil {
		return nil, ErrNoSession
	}
	sum := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(sum[:], sess.SecretHash) != 1 {
		return nil, ErrNoSession
	}
	if now.Sub(sess.CreatedAt) > s.absolute {
		_ = s.rdb.Del(ctx, sessionKey(id)).Err()
		return nil, ErrNoSession
	}
	if err := s.rdb.Expire(ctx, sessionKey(id), s.idle).Err(); err != nil {
		return nil, fmt.Errorf("extend session: %w", err)
	}
	sess.ID = id
	return &sess, nil
}

// Delete ends a session.
func (s *Sessions) Delete(ctx context.Context, id string) error {
	return s.rdb.Del(ctx, sessionKey(id)).Err()
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
