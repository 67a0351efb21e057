package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// standaloneStore is "hailong mongo-embedded" running through run().
type standaloneStore struct {
	uri    string
	cancel context.CancelFunc
	done   chan error
}

func startStandalone(t *testing.T, addr, dir string) *standaloneStore {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &standaloneStore{cancel: cancel, done: make(chan error, 1)}
	var stderr lockedBuffer
	go func() {
		err := run(ctx, []string{"mongo-embedded", "-addr", addr, "-data", dir}, func(string) string { return "" }, pw, &stderr)
		pw.CloseWithError(io.EOF)
		s.done <- err
	}()
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case line <- sc.Text():
			default:
			}
		}
		close(line)
	}()
	select {
	case u, ok := <-line:
		if !ok {
			t.Fatalf("mongo-embedded stopped: %v", <-s.done)
		}
		s.uri = u
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("mongo-embedded did not start; stderr: %s", stderr.String())
	}
	t.Cleanup(s.stop)
	return s
}

func (s *standaloneStore) stop() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
		<-s.done
	}
}

// TestMongoEmbeddedStandalone runs the store alone on a fixed port, writes
// through it, restarts it on the same directory and reads the write back;
// a second instance on that directory is refused by the data-dir lock.
func TestMongoEmbeddedStandalone(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	ctx := context.Background()
	coll := func(uri string) *mongo.Collection {
		cl, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(10 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cl.Disconnect(ctx) })
		return cl.Database("hailong").Collection("probe")
	}

	s := startStandalone(t, addr, dir)
	if s.uri != "mongodb://"+addr+"/" {
		t.Errorf("printed %q, want mongodb://%s/", s.uri, addr)
	}
	if _, err := coll(s.uri).InsertOne(ctx, bson.D{{Key: "_id", Value: "q1"}, {Key: "hl", Value: 5}}); err != nil {
		t.Fatal(err)
	}
	s.stop()

	s = startStandalone(t, addr, dir)
	var got struct{ HL int }
	if err := coll(s.uri).FindOne(ctx, bson.D{{Key: "_id", Value: "q1"}}).Decode(&got); err != nil || got.HL != 5 {
		t.Errorf("after restart: %+v, %v", got, err)
	}
	err = run(ctx, []string{"mongo-embedded", "-addr", "127.0.0.1:0", "-data", dir}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "in use by another hailong process") {
		t.Errorf("second instance on the same dir: %v", err)
	}
}
