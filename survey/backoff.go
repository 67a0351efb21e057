package survey

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// Backoff is exponential backoff after repeated failures (officials'
// sign-in): Free failures in a row are free, each further one blocks the
// key for twice as long as the one before (1 s, 2 s, 4 s... up to Max).
// The failure count is forgotten after an hour without failure.
type Backoff struct {
	Free int
	Max  time.Duration
}

// failureMemory is how long failures are remembered.
const failureMemory = time.Hour

// delay is the block after the n-th failure in a row.
func (b Backoff) delay(n int64) time.Duration {
	over := n - int64(b.Free)
	if over <= 0 {
		return 0
	}
	d := b.Max
	if over <= 30 {
		if s := time.Second << (over - 1); s < b.Max {
			d = s
		}
	}
	return d
}

// Blocked reports whether any of keys is blocked by earlier failures, and
// for how long; name is the metric label.
func (l *Limiter) Blocked(ctx context.Context, name string, keys ...string) Decision {
	wait, ok := redisCall(l, ctx, func(ctx context.Context) (time.Duration, error) {
		cmds := make([]*redis.DurationCmd, len(keys))
		_, err := l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range keys {
				cmds[i] = p.PTTL(ctx, "hl:block:"+k)
			}
			return nil
		})
		var longest time.Duration
		for _, c := range cmds {
			longest = max(longest, c.Val())
		}
		return longest, err
	})
	if !ok {
		wait = l.mem.blocked(keys, l.now())
	}
	d := Decision{Allowed: wait <= 0, RetryAfter: max(wait, 0)}
	l.metrics.decision(name, d.Allowed)
	return d
}

// Failed records a failure for each key and blocks those that reached
// their backoff; policies[i] is the backoff of keys[i].
func (l *Limiter) Failed(ctx context.Context, keys []string, policies []Backoff) {
	_, ok := redisCall(l, ctx, func(ctx context.Context) (struct{}, error) {
		incs := make([]*redis.IntCmd, len(keys))
		_, err := l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range keys {
				incs[i] = p.Incr(ctx, "hl:fail:"+k)
				p.Expire(ctx, "hl:fail:"+k, failureMemory)
			}
			return nil
		})
		if err != nil {
			return struct{}{}, err
		}
		_, err = l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range keys {
				if d := policies[i].delay(incs[i].Val()); d > 0 {
					p.Set(ctx, "hl:block:"+k, 1, d)
				}
			}
			return nil
		})
		return struct{}{}, err
	})
	if !ok {
		now := l.now()
		for i, k := range keys {
			l.mem.failed(k, policies[i], now)
		}
	}
}

// Succeeded forgets the failures of key.
func (l *Limiter) Succeeded(ctx context.Context, key string) {
	_, ok := redisCall(l, ctx, func(ctx context.Context) (int64, error) {
		return l.rdb.Del(ctx, "hl:fail:"+key, "hl:block:"+key).Result()
	})
	if !ok {
		l.mem.forgetFailures(key)
	}
}
