package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"hailong/internal/cli"
	"hailong/internal/embedded"
)

// mongoEmbeddedCmd runs the embedded FerretDB on its own, so the app can
// run in production mode (HAILONG_MONGO_URI) against a store that is
// stopped and restarted separately, two replicas can share one store, and
// the load test's baseline can write to the very store the app uses.
// It keeps the app's data-dir layout (DIR/ferretdb, DIR/.lock), so an
// embedded app's data dir can be served as is, and the same lock stops an
// app and a standalone store from opening one directory together.
func mongoEmbeddedCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hailong mongo-embedded", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:27018", "TCP address to listen on (loopback unless you mean to expose it: there is no authentication)")
	def := getenv("HAILONG_DATA_DIR")
	if def == "" {
		def = "./data"
	}
	dir := fs.String("data", def, "data directory (SQLite files in DIR/ferretdb); default HAILONG_DATA_DIR")
	if err := cli.ParseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return configErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *dir == "" {
		return configErrorf("-data: required")
	}
	unlock, err := lockDataDir(*dir)
	if err != nil {
		return err
	}
	defer unlock()
	uri, stop, err := embedded.StartFerretDBAt(filepath.Join(*dir, "ferretdb"), *addr)
	if err != nil {
		return err
	}
	defer stop()
	// The URI alone on stdout, so scripts and tests can read it.
	fmt.Fprintln(stdout, uri)
	fmt.Fprintf(stderr, "embedded FerretDB (SQLite in %s) until SIGINT/SIGTERM\n", filepath.Join(*dir, "ferretdb"))
	<-ctx.Done()
	return nil
}
