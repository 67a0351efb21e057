package limit

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"hailong/internal/metrics"
	"hailong/internal/testdb"
)

// Guesses sent all at once meet the backoff: each attempt is counted
// before its password is checked (issue 5 §1).
func TestBackoffParallelAttempts(t *testing.T) {
	testdb.EachRedis(t, func(t *testing.T, r testdb.Redis) {
		ctx := context.Background()
		l := New(Config{Redis: r.Client, Secret: []byte("s")})
		keys := []string{uniqueKey(t, "acct"), uniqueKey(t, "ip")}
		policies := []Backoff{{Free: 5, Max: 15 * time.Minute}, {Free: 20, Max: 15 * time.Minute}}
		allowed, refused := parallelAttempts(ctx, l, 40, func(int) []string { return keys }, policies)
		// Five free failures, the sixth is checked and blocks the rest.
		if allowed != 6 || refused != 34 {
			t.Errorf("40 parallel attempts: %d let through, %d refused; want 6 and 34", allowed, refused)
		}
		// The block the sixth set is not shortened by the others.
		if block := r.Client.PTTL(ctx, "hl:block:"+keys[0]).Val(); block < 500*time.Millisecond {
			t.Errorf("block after the burst: %v, want about 1 s", block)
		}
	})
}

// Password spraying: one address trying many accounts, once each, is
// stopped by the address's own backoff.
func TestBackoffOneAddressManyAccounts(t *testing.T) {
	testdb.EachRedis(t, func(t *testing.T, r testdb.Redis) {
		ctx := context.Background()
		l := New(Config{Redis: r.Client, Secret: []byte("s")})
		ip := uniqueKey(t, "ip")
		policies := []Backoff{{Free: 5, Max: 15 * time.Minute}, {Free: 20, Max: 15 * time.Minute}}
		for i := 0; i < 21; i++ {
			if d := l.Attempt(ctx, metrics.LimitLogin, []string{uniqueKey(t, fmt.Sprint("acct", i)), ip}, policies); !d.Allowed {
				t.Fatalf("account %d: refused %+v, want counted", i+1, d)
			}
		}
		if d := l.Attempt(ctx, metrics.LimitLogin, []string{uniqueKey(t, "acct-next"), ip}, policies); d.Allowed || d.RetryAfter <= 0 {
			t.Errorf("22nd account from one address: %+v, want refused", d)
		}
		// In parallel as well: 40 accounts at once, 21 get through.
		ip2 := uniqueKey(t, "ip2")
		allowed, _ := parallelAttempts(ctx, l, 40, func(i int) []string { return []string{uniqueKey(t, fmt.Sprint("p", i)), ip2} }, policies)
		if allowed != 21 {
			t.Errorf("40 accounts at once from one address: %d let through, want 21", allowed)
		}
	})
}

// The in-memory fallback (Redis down) counts the same way.
func TestBackoffParallelFallback(t *testing.T) {
	l := New(Config{Secret: []byte("s")})
	keys := []string{"acct", "ip"}
	allowed, _ := parallelAttempts(context.Background(), l, 40, func(int) []string { return keys }, []Backoff{{Free: 5, Max: time.Minute}, {Free: 20, Max: time.Minute}})
	if allowed != 6 {
		t.Errorf("fallback: %d of 40 parallel attempts let through, want 6", allowed)
	}
	l.Refund(context.Background(), "ip")
	l.Succeeded(context.Background(), "acct")
	if d := l.Attempt(context.Background(), metrics.LimitLogin, keys[:1], []Backoff{{Free: 5, Max: time.Minute}}); !d.Allowed {
		t.Errorf("fallback: account still blocked after a success: %+v", d)
	}
}

func parallelAttempts(ctx context.Context, l *Limiter, n int, keys func(int) []string, policies []Backoff) (allowed, refused int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			d := l.Attempt(ctx, metrics.LimitLogin, keys(i), policies)
			mu.Lock()
			defer mu.Unlock()
			if d.Allowed {
				allowed++
			} else {
				refused++
			}
		}()
	}
	close(start)
	wg.Wait()
	return allowed, refused
}

// Officials of one office share an address: their right passwords take
// their attempts back, so a busy morning does not block the office.
func TestBackoffSuccessesRefundAddress(t *testing.T) {
	testdb.EachRedis(t, func(t *testing.T, r testdb.Redis) {
		ctx := context.Background()
		l := New(Config{Redis: r.Client, Secret: []byte("s")})
		ip := uniqueKey(t, "ip")
		policies := []Backoff{{Free: 2, Max: time.Minute}, {Free: 8, Max: time.Minute}}
		for i := 0; i < 30; i++ {
			acct := uniqueKey(t, fmt.Sprint("acct", i))
			if d := l.Attempt(ctx, metrics.LimitLogin, []string{acct, ip}, policies); !d.Allowed {
				t.Fatalf("sign-in %d from the office: refused %+v", i+1, d)
			}
			l.Succeeded(ctx, acct)
			l.Refund(ctx, ip)
		}
		if n, _ := r.Client.Get(ctx, "hl:fail:"+ip).Int(); n != 0 {
			t.Errorf("address count after 30 right passwords: %d, want 0", n)
		}
	})
}
