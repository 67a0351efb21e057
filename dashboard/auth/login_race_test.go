package auth_test

// Sign-in backoff under parallel guesses (issue 5 §1): forty wrong
// passwords sent at once must meet the backoff, per account and per
// address, on the embedded Redis and on a real one.

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/internal/testdb"
)

func TestLoginBackoffParallel(t *testing.T) {
	stores := map[string]*redis.Client{"miniredis": nil} // nil: the site's own miniredis
	var secret []byte
	if os.Getenv("HAILONG_TEST_REDIS_URL") != "" {
		stores["redis-server"] = testdb.RealRedis(t)
		raw := make([]byte, 24)
		_, _ = rand.Read(raw) // fresh limiter keys in the shared Redis
		secret = []byte(hex.EncodeToString(raw))
	}
	for name, rdb := range stores {
		t.Run(name, func(t *testing.T) {
			// Each burst comes from its own address (X-Forwarded-For from
			// a trusted proxy), so the two do not share the address count.
			a := apptest.Start(t, apptest.Options{Redis: rdb, Config: func(c *app.Config) {
				if rdb != nil {
					c.Secret = secret
				}
				c.LoginFailures = 2
				c.TrustedProxies = trusted
			}})
			// One account: two free failures, the third is checked and
			// blocks for 1 s; the others wait. On a loaded machine a late
			// request may find that block over (then 2 s, 4 s...), hence
			// a little slack.
			codes := parallelBasic(t, a, "203.0.113.1", 40, func(int) string { return "admin" })
			t.Logf("one account, 40 at once: %v", codes)
			if codes[http.StatusTooManyRequests] < 30 || codes[http.StatusUnauthorized] > 3+2 {
				t.Errorf("40 parallel wrong passwords on one account: %v, want about 3×401 and the rest 429", codes)
			}
			// Forty accounts from one address: 4×2 free failures, the
			// ninth blocks the address.
			codes = parallelBasic(t, a, "203.0.113.2", 40, func(i int) string { return fmt.Sprint("can-bo-", i) })
			t.Logf("one address, 40 accounts at once: %v", codes)
			if codes[http.StatusTooManyRequests] < 25 || codes[http.StatusUnauthorized] > 9+2 {
				t.Errorf("40 accounts at once from one address: %v, want about 9×401 and the rest 429", codes)
			}
		})
	}
}

// trusted is HAILONG_TRUSTED_PROXIES=127.0.0.1/32.
var trusted = func() []*net.IPNet {
	_, n, err := net.ParseCIDR("127.0.0.1/32")
	if err != nil {
		panic(err)
	}
	return []*net.IPNet{n}
}()

// parallelBasic sends n API calls at once from addr with wrong passwords
// for user(i) and counts the answers by status.
func parallelBasic(t *testing.T, a *apptest.Site, addr string, n int, user func(int) string) map[int]int {
	t.Helper()
	codes := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/desks", nil)
			req.SetBasicAuth(user(i), fmt.Sprint("sai-mat-khau-", i))
			req.Header.Set("X-Forwarded-For", addr)
			<-start
			res, err := http.DefaultClient.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				codes[-1]++
				return
			}
			res.Body.Close()
			codes[res.StatusCode]++
		}()
	}
	close(start)
	wg.Wait()
	return codes
}
