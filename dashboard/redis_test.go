package dashboard

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// forEachRedis runs f against miniredis and, when HAILONG_TEST_REDIS_URL is
// set (CI starts a redis-server), against a real Redis too.
func forEachRedis(t *testing.T, f func(t *testing.T, rdb *redis.Client, advance func(time.Duration))) {
	t.Run("miniredis", func(t *testing.T) {
		m := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { rdb.Close() })
		f(t, rdb, func(d time.Duration) { m.FastForward(d) })
	})
	t.Run("redis-server", func(t *testing.T) {
		u := os.Getenv("HAILONG_TEST_REDIS_URL")
		if u == "" {
			t.Skip("HAILONG_TEST_REDIS_URL is not set (CI starts a redis-server and sets it)")
		}
		opt, err := redis.ParseURL(u)
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opt)
		t.Cleanup(func() { rdb.Close() })
		if err := rdb.Ping(context.Background()).Err(); err != nil {
			t.Fatalf("HAILONG_TEST_REDIS_URL does not answer: %v", err)
		}
		f(t, rdb, nil)
	})
}
