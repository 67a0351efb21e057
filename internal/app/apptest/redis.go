package apptest

import (
	"context"
	"hash/fnv"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// RealRedisDB returns a client of the redis-server of HAILONG_TEST_REDIS_URL
// when it is set (CI starts one), so a test proves the limits on a real
// server and not only on the embedded miniredis; nil when it is not set
// (Options.Redis nil: the site starts on miniredis). Each test gets a
// logical database of its own, other than the one the URL names (the
// package tests use that one), chosen from the test's name and emptied
// first: fixed demo desk ids make keys like hl:desk:{desk} the same from
// one run to the next.
func RealRedisDB(t testing.TB) *redis.Client {
	t.Helper()
	raw := os.Getenv("HAILONG_TEST_REDIS_URL")
	if raw == "" {
		return nil
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		t.Fatalf("HAILONG_TEST_REDIS_URL: %v", err)
	}
	h := fnv.New32a()
	h.Write([]byte(t.Name()))
	db := 1 + int(h.Sum32()%15) // redis-server has databases 0-15 by default
	if db == opt.DB {
		db = 1 + db%15
	}
	opt.DB = db
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("empty Redis database %d of HAILONG_TEST_REDIS_URL: %v", db, err)
	}
	return c
}

// CheckRealRedis fails the test when HAILONG_TEST_REDIS_URL is set but the
// site runs on the embedded miniredis: the test would prove nothing new.
func (s *Site) CheckRealRedis(t testing.TB) {
	t.Helper()
	raw := os.Getenv("HAILONG_TEST_REDIS_URL")
	if raw == "" {
		return
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		t.Fatalf("HAILONG_TEST_REDIS_URL: %v", err)
	}
	if got := s.Redis.Options(); got.Network != opt.Network || got.Addr != opt.Addr {
		t.Fatalf("HAILONG_TEST_REDIS_URL is set but the site runs on %s %s (miniredis), not %s %s", got.Network, got.Addr, opt.Network, opt.Addr)
	}
}
