// Package limit enforces rate limits whose state is in Redis, so they
// hold across every replica: GCRA limits (through redis_rate), first-use
// marks, and the exponential backoff of repeated failures. When Redis fails
// or is slow, a per-process fallback in memory decides instead: the
// limiter always answers, and quickly.
package limit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Rate is a limit: N events per Per, all N of which may come at once.
// N <= 0 turns the limit off.
type Rate struct {
	N   int
	Per time.Duration
}

// Off reports whether the limit is turned off.
func (r Rate) Off() bool { return r.N <= 0 || r.Per <= 0 }

// Decision is a limiter's answer for one event.
type Decision struct {
	Allowed bool
	// RetryAfter is, when refused, how long until one more event is allowed.
	RetryAfter time.Duration
}

// Limiter enforces rate limits (GCRA, through redis_rate) whose state is in
// Redis, so they hold across every replica.
//
// Failure policy: Redis protects the service and must never hang it or turn
// a citizen away. Every Redis call is bounded by a short timeout (50 ms);
// on an error or a timeout the decision is taken by a per-process fallback
// with the same limits, the failure is counted, and a warning is logged at
// most once every 10 s. After a failure Redis is left alone for a second,
// so an outage costs at most one timeout per second per process.
type Limiter struct {
	rdb     *redis.Client
	gcra    *redis_rate.Limiter
	mem     *memLimits
	key     []byte
	metrics Recorder
	log     *slog.Logger
	timeout time.Duration
	now     func() time.Time

	downUntil  atomic.Int64 // unix nanos: skip Redis until then
	warnedAt   atomic.Int64 // unix nanos of the last warning
	suppressed atomic.Int64 // failures not logged since
}

// Recorder counts what the limiter does (*metrics.Abuse is one): each
// decision by the name of its limit, each decision taken by the fallback,
// each Redis call that failed or timed out.
type Recorder interface {
	Decision(limit string, allowed bool)
	FellBack()
	RedisError()
}

// Config is what a Limiter needs.
type Config struct {
	// Redis holds the shared state; nil runs on the fallback alone.
	Redis  *redis.Client
	Secret []byte
	// Metrics counts the decisions and failures; nil counts nothing.
	Metrics Recorder
	Log     *slog.Logger
	// Timeout bounds every Redis call (default 50 ms).
	Timeout time.Duration
	// MaxKeys bounds the fallback's memory (default 100,000 keys).
	MaxKeys int
}

// redisRetryAfter is how long Redis is left alone after a failure.
const redisRetryAfter = time.Second

// warnEvery bounds the warnings about Redis failures.
const warnEvery = 10 * time.Second

// noRecorder counts nothing.
type noRecorder struct{}

func (noRecorder) Decision(string, bool) {}
func (noRecorder) FellBack()             {}
func (noRecorder) RedisError()           {}

// New returns a limiter.
func New(cfg Config) *Limiter {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 50 * time.Millisecond
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = 100_000
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = noRecorder{}
	}
	// A key of its own, derived like the desk-code key: the secret itself
	// never signs two kinds of thing.
	m := hmac.New(sha256.New, cfg.Secret)
	m.Write([]byte("hailong limiter keys v1"))
	l := &Limiter{
		rdb: cfg.Redis, mem: newMemLimits(cfg.MaxKeys), key: m.Sum(nil),
		metrics: cfg.Metrics, log: cfg.Log, timeout: cfg.Timeout, now: time.Now,
	}
	if cfg.Redis != nil {
		l.gcra = redis_rate.NewLimiter(cfg.Redis)
	}
	return l
}

// Hash returns the keyed hash under which a client identifier (an IP
// address, a device cookie, an account name) is kept in Redis: the
// identifier itself is never stored, and without the service secret the
// hash cannot be reversed by trying every IPv4 address.
func (l *Limiter) Hash(kind, value string) string {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:15])
}

// Allow takes one event of key under lim; name is the limit's metric label.
// It always answers: from Redis, or from the fallback.
func (l *Limiter) Allow(ctx context.Context, name, key string, lim Rate) Decision {
	if lim.Off() {
		return Decision{Allowed: true}
	}
	rl := redis_rate.Limit{Rate: lim.N, Burst: lim.N, Period: lim.Per}
	res, ok := redisCall(l, ctx, func(ctx context.Context) (*redis_rate.Result, error) {
		return l.gcra.Allow(ctx, key, rl)
	})
	var d Decision
	if ok {
		d = Decision{Allowed: res.Allowed > 0}
		if !d.Allowed {
			d.RetryAfter = res.RetryAfter
		}
	} else {
		d = l.mem.allow(key, lim, l.now())
	}
	l.metrics.Decision(name, d.Allowed)
	return d
}

// FirstUse reports whether key is used for the first time in ttl, and
// marks it used.
func (l *Limiter) FirstUse(ctx context.Context, key string, ttl time.Duration) bool {
	first, ok := redisCall(l, ctx, func(ctx context.Context) (bool, error) {
		return l.rdb.SetNX(ctx, key, 1, ttl).Result()
	})
	if !ok {
		return l.mem.firstUse(key, ttl, l.now())
	}
	return first
}

// Forget clears a FirstUse mark.
func (l *Limiter) Forget(ctx context.Context, key string) {
	if _, ok := redisCall(l, ctx, func(ctx context.Context) (int64, error) {
		return l.rdb.Del(ctx, key).Result()
	}); !ok {
		l.mem.forgetMark(key)
	}
}

// redisCall runs f within the limiter's timeout and reports whether Redis
// answered. f runs in its own goroutine: the go-redis client bounds its
// socket reads by its own ReadTimeout, not by the context, and a slow Redis
// must not hold a citizen's request for longer than the timeout. An
// abandoned call ends by itself within the client's timeouts.
func redisCall[T any](l *Limiter, ctx context.Context, f func(context.Context) (T, error)) (T, bool) {
	return redisCallWithin(l, ctx, l.timeout, f)
}

// redisCallWithin is redisCall with its own timeout.
func redisCallWithin[T any](l *Limiter, ctx context.Context, timeout time.Duration, f func(context.Context) (T, error)) (T, bool) {
	var zero T
	if l.rdb == nil {
		l.metrics.FellBack()
		return zero, false
	}
	if l.now().UnixNano() < l.downUntil.Load() {
		l.metrics.FellBack()
		return zero, false
	}
	type result struct {
		v   T
		err error
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		v, err := f(ctx)
		done <- result{v, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		r.err = ctx.Err()
	}
	if r.err == nil {
		return r.v, true
	}
	l.failed(r.err)
	return zero, false
}

// failed records a Redis failure: a metric, a rest for Redis, and a
// warning at most every warnEvery.
func (l *Limiter) failed(err error) {
	l.metrics.RedisError()
	l.metrics.FellBack()
	now := l.now().UnixNano()
	l.downUntil.Store(now + int64(redisRetryAfter))
	last := l.warnedAt.Load()
	if now-last < int64(warnEvery) || !l.warnedAt.CompareAndSwap(last, now) {
		l.suppressed.Add(1)
		return
	}
	l.log.Warn("Redis limiter unavailable: submissions are accepted under per-process fallback limits",
		"err", err, "failures_not_logged", l.suppressed.Swap(0))
}
