package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/app/apptest"
	"hailong/internal/embedded"
)

// testApp is the real program started through run() on 127.0.0.1:0.
type testApp struct {
	URL     string
	DataDir string
	cancel  context.CancelFunc
	done    chan error
	stderr  *lockedBuffer
	// Welcome is what the app printed up to "listening on".
	Welcome string
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startApp runs the service on dataDir with env on top of a test
// configuration, and waits until it listens. It is stopped at test end.
func startApp(t testing.TB, dataDir string, env map[string]string, args ...string) *testApp {
	t.Helper()
	a, err := tryStartApp(t, dataDir, env, args...)
	if err != nil {
		t.Fatalf("start app: %v", err)
	}
	return a
}

func tryStartApp(t testing.TB, dataDir string, env map[string]string, args ...string) (*testApp, error) {
	t.Helper()
	return startAppWith(t, dataDir, env, args, nil)
}

// testEnv is the configuration of an app under test: dataDir, the test
// admin password, and env on top.
func testEnv(dataDir string, env map[string]string) map[string]string {
	vars := map[string]string{
		"HAILONG_ADDR":           "127.0.0.1:0",
		"HAILONG_DATA_DIR":       dataDir,
		"HAILONG_ADMIN_PASSWORD": apptest.AdminPassword,
		"HAILONG_LOG_FORMAT":     "text",
		// Tests drive the app far faster than people, from one address:
		// the abuse limits and the too-fast rule are off unless a test
		// sets them (abuse_test.go does).
		"HAILONG_LIMIT_IP_PER_HOUR":       "0",
		"HAILONG_LIMIT_DEVICE_PER_WINDOW": "0",
		"HAILONG_LIMIT_DESK_PER_MINUTE":   "0",
		"HAILONG_SUSPECT_MIN_FILL":        "0",
		"HAILONG_AUTO_CLOSE_DAYS":         "0",
	}
	for k, v := range env {
		vars[k] = v
	}
	return vars
}

// startAppWith starts the app; with a clock, through serveWithClock so
// answers are stamped by it.
func startAppWith(t testing.TB, dataDir string, env map[string]string, args []string, clock func() time.Time) (*testApp, error) {
	t.Helper()
	vars := testEnv(dataDir, env)
	getenv := func(k string) string { return vars[k] }
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	a := &testApp{DataDir: dataDir, cancel: cancel, done: make(chan error, 1), stderr: &lockedBuffer{}}
	go func() {
		var err error
		if clock == nil {
			err = run(ctx, args, getenv, pw, a.stderr)
		} else {
			var cfg config
			if cfg, err = parseConfig("test", args, getenv, a.stderr); err == nil {
				err = serveWithClock(ctx, cfg, pw, a.stderr, clock)
			}
		}
		pw.CloseWithError(io.EOF)
		a.done <- err
	}()
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		var welcome strings.Builder
		for sc.Scan() {
			welcome.WriteString(sc.Text() + "\n")
			if u, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				a.Welcome = welcome.String()
				urlc <- u
			}
		}
		close(urlc)
	}()
	select {
	case u, ok := <-urlc:
		if !ok {
			cancel()
			return nil, <-a.done
		}
		a.URL = u
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("app did not start within 60 s; stderr:\n%s", a.stderr.String())
	}
	t.Cleanup(func() { a.Stop(t) })
	return a, nil
}

// Stop shuts the app down gracefully and fails the test if run failed.
// Stopping twice is fine.
func (a *testApp) Stop(t testing.TB) {
	t.Helper()
	if a.cancel == nil {
		return
	}
	a.cancel()
	a.cancel = nil
	select {
	case err := <-a.done:
		if err != nil {
			t.Errorf("run returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("app did not stop within 30 s")
	}
}

// openDataDir opens a stopped app's embedded store, to check what it wrote
// on disk.
func openDataDir(t testing.TB, dataDir string) *mongo.Database {
	t.Helper()
	uri, stop, err := embedded.StartFerretDB(filepath.Join(dataDir, "ferretdb"))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		stop()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cl.Disconnect(context.Background())
		stop()
	})
	return cl.Database("hailong")
}
