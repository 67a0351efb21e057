package limit

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

// loginRedisTimeout bounds the sign-in backoff's Redis calls. Longer than
// a citizen's 50 ms: a sign-in spends ~100 ms in bcrypt anyway, and under a
// burst of guesses (the very case the backoff is for) the CPU is busy, so a
// short timeout would hand attempts to the per-process fallback, which
// does not see the shared count.
const loginRedisTimeout = time.Second

// loginTimeout is the limiter's timeout, at least loginRedisTimeout.
func (l *Limiter) loginTimeout() time.Duration { return max(l.timeout, loginRedisTimeout) }

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

// attemptScript counts one sign-in attempt on every key, atomically, before
// the password is checked. KEYS are pairs (block key, failure counter);
// ARGV[1] is the failure memory in ms, then per pair the free failures and
// the longest block in ms. If any key is blocked the attempt is refused
// (the longest wait in ms is returned) and not counted. Otherwise every
// counter goes up by one and a key past its free failures is blocked for
// 1 s, 2 s, 4 s... (at most its maximum), never shorter than a block it
// already has. Being one script, parallel guesses are counted one by one:
// each sees the blocks the ones before it set.
var attemptScript = redis.NewScript(`
local longest = 0
for i = 1, #KEYS, 2 do
  local t = redis.call('PTTL', KEYS[i])
  if t > longest then longest = t end
end
if longest > 0 then return longest end
for i = 1, #KEYS, 2 do
  local j = (i + 1) / 2
  local n = redis.call('INCR', KEYS[i + 1])
  redis.call('PEXPIRE', KEYS[i + 1], ARGV[1])
  local over = n - tonumber(ARGV[2 * j])
  if over > 0 then
    local d = tonumber(ARGV[2 * j + 1])
    if over <= 30 then d = math.min(1000 * 2 ^ (over - 1), d) end
    d = math.floor(d)
    if d > redis.call('PTTL', KEYS[i]) then
      redis.call('SET', KEYS[i], 1, 'PX', string.format('%d', d))
    end
  end
end
return 0
`)

// refundScript takes back one counted attempt (it was not a failure).
var refundScript = redis.NewScript(`
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0
`)

// Attempt counts a sign-in attempt against every key before the password
// is checked, and says whether it may go ahead; policies[i] is the backoff
// of keys[i]; name is the metric label. An attempt that turns out not to
// be a failure is taken back with Succeeded or Refund. Counting first is
// what makes parallel guesses meet the backoff: checking "blocked?" and
// counting the failure after the password check lets every guess sent at
// once through.
func (l *Limiter) Attempt(ctx context.Context, name string, keys []string, policies []Backoff) Decision {
	wait, ok := redisCallWithin(l, ctx, l.loginTimeout(), func(ctx context.Context) (time.Duration, error) {
		rkeys := make([]string, 0, 2*len(keys))
		args := []any{failureMemory.Milliseconds()}
		for i, k := range keys {
			rkeys = append(rkeys, "hl:block:"+k, "hl:fail:"+k)
			args = append(args, policies[i].Free, policies[i].Max.Milliseconds())
		}
		ms, err := attemptScript.Run(ctx, l.rdb, rkeys, args...).Int64()
		return time.Duration(ms) * time.Millisecond, err
	})
	if !ok {
		wait = l.mem.attempt(keys, policies, l.now())
	}
	d := Decision{Allowed: wait <= 0, RetryAfter: max(wait, 0)}
	l.metrics.Decision(name, d.Allowed)
	return d
}

// Refund takes back an attempt counted on key that was not a failure (a
// right password on a shared address, a store error).
func (l *Limiter) Refund(ctx context.Context, key string) {
	_, ok := redisCallWithin(l, ctx, l.loginTimeout(), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, refundScript.Run(ctx, l.rdb, []string{"hl:fail:" + key}).Err()
	})
	if !ok {
		l.mem.refund(key)
	}
}

// Succeeded forgets the failures of key.
func (l *Limiter) Succeeded(ctx context.Context, key string) {
	_, ok := redisCallWithin(l, ctx, l.loginTimeout(), func(ctx context.Context) (int64, error) {
		return l.rdb.Del(ctx, "hl:fail:"+key, "hl:block:"+key).Result()
	})
	if !ok {
		l.mem.forgetFailures(key)
	}
}
