package rollup

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"hailong/survey/period"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestSharedStoreRepair: two committers (two replicas) on one store. The
// entries of a live writer whose flushes stall are never replayed by the
// other, however long they wait; a writer killed with batches unflushed
// has them replayed by the surviving replica once its heartbeat is stale,
// without any restart; every figure then equals the recount.
func TestSharedStoreRepair(t *testing.T) {
	s, r1, in, desks := testSetup(t)
	ctx := context.Background()
	const beat, stale = 100 * time.Millisecond, 2500 * time.Millisecond
	r1.ShareStore()
	r2 := NewRollups(s.db, nil, slog.Default())
	r2.ShareStore()
	start := func(r *Rollups) (*Committer, func()) {
		c := NewCommitter(s.db, r, slog.Default())
		c.ShareStore(beat, stale)
		if err := c.Beat(ctx); err != nil {
			t.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { c.Run(runCtx); close(done) }()
		return c, func() { stop(); <-done }
	}
	c1, stop1 := start(r1)
	c2, stop2 := start(r2)
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2024, 5, 31, 8, 0, 0, 0, period.Vietnam)
	submit := func(c *Committer, n int) {
		for i := 0; i < n; i++ {
			if err := c.Submit(ctx, randomResponse(rng, base.Add(time.Duration(rng.IntN(10*3600))*time.Second), desks[rng.IntN(len(desks))])); err != nil {
				t.Fatal(err)
			}
		}
	}
	q := Query{Instrument: in, From: base, To: base, Agg: AggPooled}
	entriesOf := func(c *Committer) int64 {
		n, err := s.db.Collection("rollup_journal").CountDocuments(ctx, bson.D{{Key: "writer", Value: c.writer}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitRecount := func(what string) {
		deadline := time.Now().Add(15 * time.Second)
		for figuresOf(t, r1, q).N != recount(t, s, q).Total.N {
			if time.Now().After(deadline) {
				t.Fatalf("%s: rollups count %d, recount %d", what, figuresOf(t, r1, q).N, recount(t, s, q).Total.N)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	submit(c1, 60)
	submit(c2, 60)
	waitRecount("both replicas flushing")

	// A live writer whose flushes stall: its heartbeat goes on, so the
	// other replica leaves its entries alone for well over the stale delay.
	c2.applyPaused.Store(true)
	submit(c2, 60)
	time.Sleep(2 * stale)
	if n := entriesOf(c2); n == 0 {
		t.Fatal("the stalled writer's entries are gone: replayed while it was alive")
	}
	if got, want := figuresOf(t, r1, q).N, recount(t, s, q).Total.N; got >= want {
		t.Fatalf("stalled batches counted (%d of %d) before their writer flushed", got, want)
	}
	c2.applyPaused.Store(false) // it flushes them itself, once
	waitRecount("stalled writer resumed")
	if n := entriesOf(c2); n != 0 {
		t.Errorf("%d journal entries left after the flush", n)
	}

	// The writer is killed with batches committed but unflushed, and its
	// last heartbeat fresh (a kill does not clean up).
	c2.applyPaused.Store(true)
	submit(c2, 60)
	stop2()
	if err := c2.Beat(ctx); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	if n := entriesOf(c2); n == 0 {
		t.Fatal("no entries left by the killed writer: the test proves nothing")
	}
	waitRecount("killed writer's batches")
	if since := time.Since(killed); since < stale-beat {
		t.Errorf("replayed %v after the kill, before the heartbeat was stale", since)
	}
	if n := entriesOf(c2); n != 0 {
		t.Errorf("%d entries of the killed writer left", n)
	}
	if n, _ := s.db.Collection("rollup_writers").CountDocuments(ctx, bson.D{{Key: "_id", Value: c2.writer}}); n != 0 {
		t.Error("the killed writer's heartbeat is kept after its entries were replayed")
	}
	stop1()
	assertMatchesRecount(t, s, r1, q)
	assertMatchesRecount(t, s, r1, Query{Instrument: in, Units: map[string]bool{"vt-p1": true}, From: base, To: base, Agg: AggPooled})
	if n, _ := s.db.Collection("rollup_writers").CountDocuments(ctx, bson.D{}); n != 0 {
		t.Errorf("%d heartbeats left after every writer stopped", n)
	}
}
