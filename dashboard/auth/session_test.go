package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"hailong/internal/testdb"
)

func TestSessions(t *testing.T) {
	testdb.EachRedis(t, func(t *testing.T, r testdb.Redis) {
		rdb, advance := r.Client, r.Advance
		ctx := context.Background()
		s := NewSessions(rdb, time.Hour, 3*time.Hour)
		now := time.Now()
		cookie, err := s.Create(ctx, "phuong1", 0, now)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := s.Get(ctx, cookie, now)
		if err != nil || sess.Username != "phuong1" {
			t.Fatalf("Get = %+v, %v", sess, err)
		}
		id, secret, _ := strings.Cut(cookie, ".")

		// Redis holds a hash of the secret, never the secret itself.
		raw, err := rdb.Get(ctx, sessionKey(id)).Result()
		if err != nil || strings.Contains(raw, secret) {
			t.Fatalf("stored session %q contains the cookie secret (err %v)", raw, err)
		}

		for name, bad := range map[string]string{
			"tampered secret": id + "." + strings.Repeat("A", len(secret)),
			"no dot":          id + secret,
			"unknown id":      strings.Repeat("B", len(id)) + "." + secret,
			"empty":           "",
		} {
			if _, err := s.Get(ctx, bad, now); !errors.Is(err, ErrNoSession) {
				t.Errorf("%s: err = %v, want ErrNoSession", name, err)
			}
		}

		// Absolute expiry holds even for a session in constant use.
		if _, err := s.Get(ctx, cookie, now.Add(3*time.Hour+time.Minute)); !errors.Is(err, ErrNoSession) {
			t.Errorf("past absolute expiry: err = %v", err)
		}

		// Idle expiry is Redis's TTL.
		cookie, _ = s.Create(ctx, "phuong1", 0, now)
		id, _, _ = strings.Cut(cookie, ".")
		if ttl := rdb.TTL(ctx, sessionKey(id)).Val(); ttl <= 0 || ttl > time.Hour {
			t.Errorf("idle TTL = %v, want ≤ 1h", ttl)
		}
		if advance != nil {
			advance(time.Hour + time.Second)
			if _, err := s.Get(ctx, cookie, now); !errors.Is(err, ErrNoSession) {
				t.Errorf("after idle expiry: err = %v", err)
			}
		}

		cookie, _ = s.Create(ctx, "phuong1", 0, now)
		id, _, _ = strings.Cut(cookie, ".")
		if err := s.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, cookie, now); !errors.Is(err, ErrNoSession) {
			t.Errorf("after logout: err = %v", err)
		}
	})
}
