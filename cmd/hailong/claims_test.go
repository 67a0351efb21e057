package main

// Tests of behaviour that worked but nothing proved (audit of issue 2)
// that need the process: graceful stop with answers in flight, /readyz
// with a store down, the secret file's mode. (Request logs, the body limit,
// security headers on the form, one nonce sent ten times at once and the
// demo off are internal/app's claims_test.go.)

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
)

// TestStopKeepsAcknowledgedAnswers: citizens keep sending while the
// service is told to stop (SIGTERM cancels run's context, as here): every
// answer that got its 303 thank-you is on disk afterwards.
func TestStopKeepsAcknowledgedAnswers(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	desks := apptest.Desks(t, a.URL)
	var (
		mu    sync.Mutex
		acked []string // comments of the answers that got a 303
		sent  atomic.Int64
		wg    sync.WaitGroup
	)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := apptest.Client(t)
			c.Timeout = 20 * time.Second
			for i := 0; ; i++ {
				res, err := c.Get(desks[(w+i)%len(desks)].SurveyURL)
				if err != nil {
					return // the listener is closed
				}
				if res.StatusCode != http.StatusOK {
					res.Body.Close()
					return
				}
				form := parseFormErr(res.Body)
				res.Body.Close()
				if form == nil {
					return
				}
				comment := fmt.Sprintf("phiếu %d-%d", w, i)
				body := url.Values{}
				for k, v := range form.Hidden {
					body[k] = v
				}
				for k, v := range apptest.ValidAnswers() {
					body[k] = v
				}
				body.Set("comment", comment)
				sent.Add(1)
				res, err = c.PostForm(a.URL+form.Action, body)
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusSeeOther {
					mu.Lock()
					acked = append(acked, comment)
					mu.Unlock()
				}
			}
		}()
	}
	// Stop while the citizens are busy.
	for deadline := time.Now().Add(30 * time.Second); sent.Load() < 40; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d answers sent in 30 s", sent.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.Stop(t)
	wg.Wait()

	db := openDataDir(t, dir)
	cur, err := db.Collection("responses").Find(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var stored []struct{ Comment string }
	if err := cur.All(context.Background(), &stored); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range stored {
		have[r.Comment] = true
	}
	var lost []string
	for _, c := range acked {
		if !have[c] {
			lost = append(lost, c)
		}
	}
	t.Logf("%d answers sent, %d acknowledged with 303, %d stored", sent.Load(), len(acked), len(stored))
	if len(acked) == 0 {
		t.Fatal("no answer was acknowledged: the test proves nothing")
	}
	if len(lost) > 0 {
		t.Errorf("%d acknowledged answers are not stored: %v", len(lost), lost)
	}
}

// parseFormErr is apptest.ParseForm for goroutines, which may not call t.Fatal.
func parseFormErr(r io.Reader) (f *apptest.SurveyForm) {
	defer func() {
		if recover() != nil {
			f = nil
		}
	}()
	ft := &fatalRecorder{}
	form := apptest.ParseForm(ft, r)
	return &form
}

// fatalRecorder is a testing.TB whose Fatal panics, for parseFormErr.
type fatalRecorder struct{ testing.TB }

func (fatalRecorder) Helper()               {}
func (fatalRecorder) Fatal(...any)          { panic("fatal") }
func (fatalRecorder) Fatalf(string, ...any) { panic("fatal") }

// TestReadyzStoreDown: /readyz is 200 while both stores answer and 503,
// naming the store, once the external Redis is gone; /healthz stays 200.
func TestReadyzStoreDown(t *testing.T) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	a := startApp(t, t.TempDir(), map[string]string{"HAILONG_REDIS_URL": "redis://" + m.Addr()})
	ready := func() (int, map[string]string) {
		var status map[string]string
		code := apptest.GetJSON(t, a.URL+"/readyz", &status)
		return code, status
	}
	if code, status := ready(); code != http.StatusOK || status["redis"] != "ok" || status["mongo"] != "ok" {
		t.Fatalf("/readyz with both stores up: %d %v", code, status)
	}
	m.Close()
	code, status := ready()
	if code != http.StatusServiceUnavailable || status["redis"] != "unavailable" || status["mongo"] != "ok" {
		t.Errorf("/readyz with Redis stopped: %d %v, want 503 with redis unavailable, mongo ok", code, status)
	}
	if res, err := http.Get(a.URL + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("/healthz with Redis stopped: %v %v, want 200 (the process is up)", res, err)
	}
}

// TestSecretFile: the generated secret is only readable by its owner
// (0600), long enough, and the same after a restart.
func TestSecretFile(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	a.Stop(t)
	path := filepath.Join(dir, "secret")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want -rw------- (0600)", path, st.Mode().Perm())
	}
	first, _ := os.ReadFile(path)
	if len(strings.TrimSpace(string(first))) < 32 {
		t.Errorf("secret has %d characters, want at least 32", len(strings.TrimSpace(string(first))))
	}
	a = startApp(t, dir, nil)
	a.Stop(t)
	if again, _ := os.ReadFile(path); string(again) != string(first) {
		t.Error("the secret changed across a restart: every printed QR code would break")
	}
}
