package main

import (
	"context"
	"hash/fnv"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// withTestRedis returns env with HAILONG_REDIS_URL pointing at the
// redis-server of HAILONG_TEST_REDIS_URL when it is set (CI starts one), so
// the app-level abuse tests prove the limits on a real server and not only
// on the embedded miniredis. Each test gets a logical database of its own,
// other than the one the URL names (the package tests use that one),
// chosen from the test's name and emptied first: fixed demo desk ids make
// keys like hl:desk:{desk} the same from one run to the next.
func withTestRedis(t *testing.T, env map[string]string) map[string]string {
	t.Helper()
	raw := os.Getenv("HAILONG_TEST_REDIS_URL")
	if raw == "" {
		return env
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
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("HAILONG_TEST_REDIS_URL: %v", err)
	}
	if u.Scheme == "unix" {
		q := u.Query()
		q.Set("db", strconv.Itoa(db))
		u.RawQuery = q.Encode()
	} else {
		u.Path = "/" + strconv.Itoa(db)
	}
	opt.DB = db
	c := redis.NewClient(opt)
	defer c.Close()
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("empty Redis database %d of HAILONG_TEST_REDIS_URL: %v", db, err)
	}
	out := map[string]string{"HAILONG_REDIS_URL": u.String()}
	for k, v := range env {
		out[k] = v
	}
	return out
}

// checkTestRedis fails the test when HAILONG_TEST_REDIS_URL is set but the
// app runs on the embedded miniredis: the test would prove nothing new.
func checkTestRedis(t *testing.T, a *testApp) {
	t.Helper()
	if os.Getenv("HAILONG_TEST_REDIS_URL") != "" && strings.Contains(a.Welcome, "miniredis") {
		t.Fatalf("HAILONG_TEST_REDIS_URL is set but the app runs on miniredis:\n%s", a.Welcome)
	}
}
