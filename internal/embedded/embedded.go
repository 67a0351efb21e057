// Package embedded runs the stores in-process when no MongoDB or Redis URL
// is configured: FerretDB (MongoDB wire protocol over SQLite) and miniredis.
// The service talks to them with the same drivers as to the real servers.
package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/alicebob/miniredis/v2"
)

// StartFerretDB runs FerretDB in-process on a random loopback port with its
// SQLite files in dir, and returns its MongoDB URI.
func StartFerretDB(dir string) (uri string, stop func(), err error) {
	return StartFerretDBAt(dir, "127.0.0.1:0")
}

// StartFerretDBAt is StartFerretDB on a chosen TCP address, for the
// standalone store ("hailong mongo-embedded") that other processes reach.
// A busy address fails here, before anything runs.
func StartFerretDBAt(dir, addr string) (uri string, stop func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("create %s: %w", dir, err)
	}
	// FerretDB logs every connection at Info and dumps each error reply;
	// only real failures are worth a line.
	flog := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/?_pragma=synchronous(normal)",
		Logger:    flog,
	})
	if err != nil {
		return "", nil, fmt.Errorf("start embedded FerretDB: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	stop = func() {
		cancel()
		<-done
	}
	return f.MongoDBURI(), stop, nil
}

// StartMiniredis runs miniredis on a random loopback port. miniredis never
// expires keys by the wall clock, so a ticker moves its clock forward.
func StartMiniredis() (addr string, stop func(), err error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return "", nil, fmt.Errorf("start embedded miniredis: %w", err)
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				m.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	return m.Addr(), func() {
		close(done)
		<-finished
		m.Close()
	}, nil
}
