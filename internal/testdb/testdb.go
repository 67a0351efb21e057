// Package testdb gives tests real stores: a fresh database on embedded
// FerretDB (or on the MongoDB named by HAILONG_TEST_MONGO_URI), and Redis
// servers (miniredis, plus the redis-server of HAILONG_TEST_REDIS_URL).
package testdb

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/embedded"
)

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// Mongo returns a fresh database for t: on the MongoDB of
// HAILONG_TEST_MONGO_URI when set (dropped at the end), otherwise on an
// embedded FerretDB of its own.
func Mongo(t testing.TB) *mongo.Database {
	t.Helper()
	uri := os.Getenv("HAILONG_TEST_MONGO_URI")
	name := unsafeName.ReplaceAllString(t.Name(), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	name = fmt.Sprintf("t_%s_%d", name, time.Now().UnixNano()%1e6)
	if uri == "" {
		u, stop, err := embedded.StartFerretDB(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop) // runs after Disconnect below (cleanups are LIFO)
		uri = u
	}
	cl, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	db := cl.Database(name)
	t.Cleanup(func() {
		ctx := context.Background()
		if os.Getenv("HAILONG_TEST_MONGO_URI") != "" {
			_ = db.Drop(ctx)
		}
		_ = cl.Disconnect(ctx)
	})
	return db
}

// Redis is a Redis server for a test. Advance moves miniredis's clock; it is
// nil for a real server, whose keys expire by the wall clock.
type Redis struct {
	Name    string
	Client  *redis.Client
	Advance func(time.Duration)
}

// EachRedis runs f against miniredis and, when HAILONG_TEST_REDIS_URL is set
// (CI starts a redis-server), against the real server too.
func EachRedis(t *testing.T, f func(t *testing.T, r Redis)) {
	t.Run("miniredis", func(t *testing.T) {
		m := miniredis.RunT(t)
		c := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { c.Close() })
		f(t, Redis{Name: "miniredis", Client: c, Advance: m.FastForward})
	})
	t.Run("redis-server", func(t *testing.T) {
		c := RealRedis(t)
		f(t, Redis{Name: "redis-server", Client: c})
	})
}

// RealRedis connects to HAILONG_TEST_REDIS_URL, or skips the test.
func RealRedis(t testing.TB) *redis.Client {
	t.Helper()
	u := os.Getenv("HAILONG_TEST_REDIS_URL")
	if u == "" {
		t.Skip("HAILONG_TEST_REDIS_URL is not set (CI starts a redis-server and sets it)")
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("HAILONG_TEST_REDIS_URL does not answer: %v", err)
	}
	return c
}
