package main

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/embedded"
)

// faultRedis starts a Redis this test alone may kill: a redis-server of
// its own when one is installed (CI installs it), otherwise miniredis.
func faultRedis(t *testing.T) (redisURL, name string, kill func()) {
	t.Helper()
	if path, err := exec.LookPath("redis-server"); err == nil {
		addr := freeAddr(t)
		_, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(path, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		kill = func() {
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-exited
		}
		t.Cleanup(kill)
		c := redis.NewClient(&redis.Options{Addr: addr})
		defer c.Close()
		for deadline := time.Now().Add(10 * time.Second); c.Ping(context.Background()).Err() != nil; {
			if time.Now().After(deadline) {
				t.Fatalf("redis-server on %s did not answer", addr)
			}
			time.Sleep(50 * time.Millisecond)
		}
		return "redis://" + addr + "/0", "redis-server", kill
	}
	addr, stop, err := embedded.StartMiniredis()
	if err != nil {
		t.Fatal(err)
	}
	done := false
	kill = func() {
		if !done {
			done = true
			stop()
		}
	}
	t.Cleanup(kill)
	return "redis://" + addr, "miniredis", kill
}

// storeDB connects to a MongoDB URI for the test's own checks.
func storeDB(t *testing.T, uri string) *mongo.Database {
	t.Helper()
	cl, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Disconnect(context.Background()) })
	return cl.Database("hailong")
}

// TestFaultRedisDown: Redis is killed under load. Answers keep being
// acknowledged and stored (the limiter fails open to its per-process
// fallback); none is lost, none refused, and the rollups still equal the
// recount.
func TestFaultRedisDown(t *testing.T) {
	skipShortFault(t)
	began := time.Now()
	redisURL, redisName, killRedis := faultRedis(t)
	dir := t.TempDir()
	// Limits on, but far above the load, so every answer asks the limiter
	// (Redis, then its fallback) and none is refused.
	a := startApp(t, dir, map[string]string{"HAILONG_REDIS_URL": redisURL,
		"HAILONG_LIMIT_IP_PER_HOUR": "1000000", "HAILONG_LIMIT_DEVICE_PER_WINDOW": "5", "HAILONG_LIMIT_DESK_PER_MINUTE": "1000000"})
	paths := deskPaths(t, a.URL)
	load := startFaultLoad(*faultWorkers, func(n uint64) (string, string) { return a.URL, paths[n%uint64(len(paths))] })

	load.waitAcked(t, 0, 5, time.Minute)
	time.Sleep(*faultDuration)
	killRedis()
	killedAt := time.Now()
	ackedBefore := load.ackedCount()
	time.Sleep(2 * *faultDuration)
	load.waitAcked(t, ackedBefore, 20, time.Minute)
	load.finish()
	acked, posts, gets, events := load.snapshot()
	after, _, slowest := outcomes(events, killedAt, time.Now())
	a.Stop(t)

	// Indicators through a fresh start (Redis holds none of them), then
	// the recount.
	b := startApp(t, dir, nil)
	snap := indicatorsOver(t, b.URL, began, time.Now())
	b.Stop(t)
	all := storedResponses(t, openDataDir(t, dir))
	lost, dups := ackedStored(t, all, acked)
	n := snap.equalRecount(t, all)
	t.Logf("%s killed under load (%d citizens): %d acknowledged (303), %d of them with Redis down, %d stored, %d lost, %d duplicates; "+
		"POST statuses %v (with Redis down %v, slowest %v), GET statuses %v; rollups = recount over %d answers; run took %v",
		redisName, *faultWorkers, len(acked), len(acked)-ackedBefore, len(all), lost, dups,
		posts, after, slowest.Round(time.Millisecond), gets, n, time.Since(began).Round(time.Second))
	if len(posts) != 1 || posts[http.StatusSeeOther] == 0 {
		t.Errorf("POST statuses %v: with Redis down every valid answer must still be acknowledged: %.300s", posts, load.otherPost)
	}
	if after[http.StatusSeeOther] < 20 {
		t.Errorf("only %d answers acknowledged with Redis down", after[http.StatusSeeOther])
	}
	if !strings.Contains(a.stderr.String(), "Redis limiter unavailable") {
		t.Error("the log does not say the limiter fell back")
	}
}

// TestFaultStoreDown: the store ("hailong mongo-embedded", a process of
// its own) is killed under load, then restarted on the same data dir and
// address. Meanwhile citizens get a 503 page asking them to try again,
// never a 303 for an answer that is not stored; once the store is back,
// answers are acknowledged again without restarting the app, and the
// rollups equal the recount.
func TestFaultStoreDown(t *testing.T) {
	skipShortFault(t)
	began := time.Now()
	storeDir, storeAddr := t.TempDir(), freeAddr(t)
	store, uri := startChildStore(t, storeAddr, storeDir)
	env := map[string]string{"HAILONG_MONGO_URI": uri, "HAILONG_SECRET": strings.Repeat("khóa-lỗi-", 5)}
	a := startApp(t, t.TempDir(), env)
	paths := deskPaths(t, a.URL)
	load := startFaultLoad(*faultWorkers, func(n uint64) (string, string) { return a.URL, paths[n%uint64(len(paths))] })

	load.waitAcked(t, 0, 5, time.Minute)
	time.Sleep(*faultDuration)
	store.kill()
	killedAt := time.Now()
	// The outage lasts until citizens have seen the 503, and at least
	// -fault.duration.
	for deadline := killedAt.Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		_, posts, _, _ := load.snapshot()
		if posts[http.StatusServiceUnavailable] > 0 && time.Since(killedAt) >= *faultDuration {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no 503 within a minute of the store going down; POST statuses %v", posts)
		}
	}
	store, _ = startChildStore(t, storeAddr, storeDir)
	backAt := time.Now()
	load.waitAcked(t, load.ackedCount(), 20, time.Minute)
	time.Sleep(*faultDuration)
	load.finish()
	acked, posts, gets, events := load.snapshot()
	down, _, slowestDown := outcomes(events, killedAt, backAt)
	_, recovered, _ := outcomes(events, backAt, time.Now())
	a.Stop(t) // flushes what it committed

	db := storeDB(t, uri)
	all := storedResponses(t, db)
	lost, dups := ackedStored(t, all, acked)
	b := startApp(t, t.TempDir(), env)
	n := indicatorsOver(t, b.URL, began, time.Now()).equalRecount(t, all)
	t.Logf("store killed under load (%d citizens) for %v: %d acknowledged (303), %d stored, %d lost, %d duplicates; "+
		"POST statuses %v (store down: %v, slowest answer %v), GET statuses %v, %d 503 pages without \"try again\"; "+
		"first 303 %v after the store restarted; rollups = recount over %d answers; run took %v",
		*faultWorkers, backAt.Sub(killedAt).Round(time.Millisecond), len(acked), len(all), lost, dups,
		posts, down, slowestDown.Round(time.Millisecond), gets, len(load.bad503),
		recovered.Sub(backAt).Round(time.Millisecond), n, time.Since(began).Round(time.Second))
	for status, k := range posts {
		if status != http.StatusSeeOther && status != http.StatusServiceUnavailable {
			t.Errorf("POST answered %d (%d times); want only 303 or 503: %.300s", status, k, load.otherPost)
		}
	}
	if len(load.bad503) > 0 {
		t.Errorf("%d 503 pages do not ask the citizen to try again, e.g. %.500s", len(load.bad503), load.bad503[0])
	}
	if recovered.IsZero() {
		t.Error("no answer acknowledged after the store came back")
	}
}
