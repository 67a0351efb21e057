package main

import (
	"io"
	"log/slog"
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/web"
	"hailong/static"
	"hailong/survey"
)

// registeredRoutes builds the real router (a.routes) on stores that are
// never contacted, and lists its routes as "METHOD path", sorted.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	a := &app{log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: time.Now, secret: []byte("routes")}
	var err error
	if a.instr, err = survey.LoadInstruments(); err != nil {
		t.Fatal(err)
	}
	if a.catalog, err = web.LoadCatalog(static.FS, "i18n/*.yaml"); err != nil {
		t.Fatal(err)
	}
	if a.assets, err = web.NewAssets(static.FS); err != nil {
		t.Fatal(err)
	}
	if a.render, err = web.NewRenderer(static.FS, a.catalog, a.assets); err != nil {
		t.Fatal(err)
	}
	// Connect does not dial: nothing here reaches a store.
	mc, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { rc.Close() })
	a.stores = &stores{mongo: mc, db: mc.Database("routes"), redis: rc}
	a.setupAbuse()
	var out []string
	for _, r := range a.routes().Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	sort.Strings(out)
	return out
}
