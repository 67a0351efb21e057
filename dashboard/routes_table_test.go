package dashboard_test

import (
	"io"
	"log/slog"
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/app"
)

// registeredRoutes builds the real router (app.Build) on stores that are
// never contacted, and lists its routes as "METHOD path", sorted.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	ui, err := app.LoadUI()
	if err != nil {
		t.Fatal(err)
	}
	// Connect does not dial: nothing here reaches a store.
	mc, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { rc.Close() })
	st := app.Stores{Mongo: mc, DB: mc.Database("routes"), Redis: rc}
	a := app.Build(app.Config{Secret: []byte("routes"), MetricsOnMain: true}, st, ui, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	var out []string
	for _, r := range a.Echo().Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	sort.Strings(out)
	return out
}
