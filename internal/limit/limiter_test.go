package limit

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"hailong/internal/metrics"
	"hailong/internal/metrics/metricstest"
	"hailong/internal/testdb"
)

// uniqueKey keeps runs against a shared real redis-server apart.
func uniqueKey(t *testing.T, k string) string {
	return fmt.Sprintf("test:%s:%d:%s", t.Name(), time.Now().UnixNano(), k)
}

func TestLimiterAllow(t *testing.T) {
	testdb.EachRedis(t, func(t *testing.T, r testdb.Redis) {
		ctx := context.Background()
		reg := prometheus.NewRegistry()
		l := New(Config{Redis: r.Client, Secret: []byte("s"), Metrics: metrics.NewAbuse(reg)})
		key := uniqueKey(t, "ip")
		lim := Rate{N: 3, Per: time.Hour}
		for i := 0; i < 3; i++ {
			if d := l.Allow(ctx, metrics.LimitIP, key, lim); !d.Allowed {
				t.Fatalf("event %d refused: %+v", i+1, d)
			}
		}
		d := l.Allow(ctx, metrics.LimitIP, key, lim)
		if d.Allowed || d.RetryAfter < 19*time.Minute || d.RetryAfter > 20*time.Minute {
			t.Fatalf("4th event in an hour at 3/h: %+v, want refused for about 20 min", d)
		}
		if d := l.Allow(ctx, metrics.LimitIP, uniqueKey(t, "other"), lim); !d.Allowed {
			t.Error("another key is limited too")
		}
		if d := l.Allow(ctx, metrics.LimitIP, key, Rate{}); !d.Allowed {
			t.Error("a limit of 0 (off) refused")
		}
		if got := metricstest.Value(t, reg, "hailong_limiter_decisions_total", map[string]string{"limit": "ip", "decision": "deny"}); got != 1 {
			t.Errorf("deny decisions = %v, want 1", got)
		}
		if got := metricstest.Value(t, reg, "hailong_limiter_fallback_total", nil); got != 0 {
			t.Errorf("fallback = %v with Redis up", got)
		}
	})
}

// Two limiters (two replicas) on one Redis share one limit.
func TestLimiterSharedAcrossReplicas(t *testing.T) {
	testdb.EachRedis(t, func(t *testing.T, r testdb.Redis) {
		ctx := context.Background()
		a := New(Config{Redis: r.Client, Secret: []byte("s")})
		b := New(Config{Redis: r.Client, Secret: []byte("s")})
		key := uniqueKey(t, "dev")
		allowed := 0
		for i := 0; i < 10; i++ {
			l := a
			if i%2 == 1 {
				l = b
			}
			if l.Allow(ctx, metrics.LimitDevice, key, Rate{N: 4, Per: 12 * time.Hour}).Allowed {
				allowed++
			}
		}
		if allowed != 4 {
			t.Errorf("%d allowed across two replicas, want 4 in total", allowed)
		}
	})
}

func TestLimiterNonceMark(t *testing.T) {
	testdb.EachRedis(t, func(t *testing.T, r testdb.Redis) {
		ctx := context.Background()
		l := New(Config{Redis: r.Client, Secret: []byte("s")})
		key := uniqueKey(t, "nonce")
		if !l.FirstUse(ctx, key, time.Hour) || l.FirstUse(ctx, key, time.Hour) {
			t.Fatal("FirstUse: want true then false")
		}
		l.Forget(ctx, key)
		if !l.FirstUse(ctx, key, time.Hour) {
			t.Error("FirstUse after Forget: want true")
		}
	})
}

func TestBackoff(t *testing.T) {
	testdb.EachRedis(t, func(t *testing.T, r testdb.Redis) {
		ctx := context.Background()
		l := New(Config{Redis: r.Client, Secret: []byte("s")})
		acct, ip := uniqueKey(t, "acct"), uniqueKey(t, "ip")
		keys := []string{acct, ip}
		policies := []Backoff{{Free: 2, Max: 5 * time.Second}, {Free: 8, Max: 5 * time.Second}}
		// The block each attempt leaves on the account; the test then
		// lifts it, as if the guesser had waited.
		wantBlocks := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second}
		for i, want := range wantBlocks {
			if d := l.Attempt(ctx, metrics.LimitLogin, keys, policies); !d.Allowed {
				t.Fatalf("attempt %d: refused %v, want counted", i+1, d.RetryAfter)
			}
			block := r.Client.PTTL(ctx, "hl:block:"+acct).Val()
			if want == 0 && block > 0 || want > 0 && (block > want || block < want-200*time.Millisecond) {
				t.Fatalf("attempt %d: account blocked for %v, want %v", i+1, block, want)
			}
			if want > 0 {
				if d := l.Attempt(ctx, metrics.LimitLogin, keys, policies); d.Allowed || d.RetryAfter > want {
					t.Fatalf("attempt during a %v block: %+v", want, d)
				}
				r.Client.Del(ctx, "hl:block:"+acct)
			}
		}
		if d := l.Attempt(ctx, metrics.LimitLogin, []string{uniqueKey(t, "acct2"), ip}, policies); !d.Allowed {
			t.Errorf("another account from an address below its threshold is refused: %+v", d)
		}
		l.Succeeded(ctx, acct)
		if d := l.Attempt(ctx, metrics.LimitLogin, []string{acct}, policies[:1]); !d.Allowed {
			t.Errorf("after a success the account is still blocked: %+v", d)
		}
	})
}

// hangingRedis accepts connections and never answers: a Redis that is
// "up" but too slow.
func hangingRedis(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// The failure policy: Redis refusing connections or hanging, every
// decision still comes within the timeout, from the fallback with the
// same limits; the failure is counted and logged, the log rate-limited.
func TestLimiterFallback(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	for name, addr := range map[string]string{"refused": closedAddr, "hanging": hangingRedis(t)} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			rdb := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: time.Second, ReadTimeout: 3 * time.Second, MaxRetries: -1})
			defer rdb.Close()
			reg := prometheus.NewRegistry()
			var logs bytes.Buffer
			l := New(Config{Redis: rdb, Secret: []byte("s"), Metrics: metrics.NewAbuse(reg),
				Log: slog.New(slog.NewTextHandler(&logs, nil))})
			lim := Rate{N: 3, Per: time.Hour}
			allowed := 0
			for i := 0; i < 5; i++ {
				start := time.Now()
				if l.Allow(ctx, metrics.LimitIP, "k", lim).Allowed {
					allowed++
				}
				if took := time.Since(start); took > 150*time.Millisecond {
					t.Errorf("decision %d took %v with Redis %s", i+1, took, name)
				}
			}
			if allowed != 3 {
				t.Errorf("fallback allowed %d of 5 at 3/h, want 3", allowed)
			}
			if got := metricstest.Value(t, reg, "hailong_limiter_fallback_total", nil); got != 5 {
				t.Errorf("fallback decisions = %v, want 5", got)
			}
			// Redis is left alone for a second after a failure.
			if got := metricstest.Value(t, reg, "hailong_redis_errors_total", nil); got != 1 {
				t.Errorf("Redis errors = %v, want 1 (then a rest)", got)
			}
			time.Sleep(redisRetryAfter + 50*time.Millisecond)
			l.Allow(ctx, metrics.LimitIP, "k2", lim)
			if got := metricstest.Value(t, reg, "hailong_redis_errors_total", nil); got != 2 {
				t.Errorf("Redis errors after the rest = %v, want 2", got)
			}
			if n := strings.Count(logs.String(), "Redis limiter unavailable"); n != 1 {
				t.Errorf("%d warnings within 10 s, want 1:\n%s", n, logs.String())
			}
		})
	}
}

func TestMemLimitsBounded(t *testing.T) {
	m := newMemLimits(100)
	now := time.Now()
	for i := 0; i < 10_000; i++ {
		m.allow(fmt.Sprint("k", i), Rate{N: 1, Per: time.Hour}, now)
		m.firstUse(fmt.Sprint("n", i), time.Hour, now)
		m.attempt([]string{fmt.Sprint("f", i)}, []Backoff{{Free: 1, Max: time.Minute}}, now)
	}
	if n := len(m.entries); n > 100 {
		t.Errorf("fallback holds %d keys, bound is 100", n)
	}
	// Expired entries go first: a fresh key after an hour finds room
	// without clearing the live ones.
	m2 := newMemLimits(2)
	m2.allow("old", Rate{N: 1, Per: time.Second}, now)
	m2.allow("live", Rate{N: 1, Per: time.Hour}, now)
	m2.allow("new", Rate{N: 1, Per: time.Hour}, now.Add(time.Minute))
	if d := m2.allow("live", Rate{N: 1, Per: time.Hour}, now.Add(time.Minute)); d.Allowed {
		t.Error("the live entry was dropped while an expired one could go")
	}
}
