package rollup

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"hailong/internal/derrors"
	"hailong/survey"
	"hailong/survey/period"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// runCommitter runs c until the returned stop is called.
func runCommitter(c *Committer) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

// A confirmed suspect joins the rollups exactly once, whether the writer
// applies it, crashes before applying it, or loses a race with another
// replica; Repair and Reindex agree.
func TestReviewConfirmCrashSafe(t *testing.T) {
	s, r, in, desks := testSetup(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2024, 5, 20, 9, 0, 0, 0, period.Vietnam)
	c1 := NewCommitter(s.db, r, slog.Default())
	stop1 := runCommitter(c1)
	var suspects []*survey.Response
	ok, others := 0, 0 // counted answers; suspects by the sample's own honeypot
	for i := 0; i < 60; i++ {
		resp := randomResponse(rng, base.Add(time.Duration(i)*time.Minute), desks[rng.IntN(len(desks))])
		if i%3 == 0 {
			resp.Status, resp.Reasons = survey.StatusSuspect, []string{survey.ReasonTooFast}
			suspects = append(suspects, resp)
		} else if resp.Status == survey.StatusOK {
			ok++
		} else {
			others++
		}
		if err := c1.Submit(ctx, resp); err != nil {
			t.Fatal(err)
		}
	}
	review := func(c *Committer, resp *survey.Response, decision string) error {
		return c.Review(ctx, resp, &survey.Review{Decision: decision, User: "admin", At: time.Now().UTC()})
	}
	q := Query{Instrument: in, From: base, To: base, Agg: AggPooled}
	waitN := func(want int64) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for figuresOf(t, r, q).N != want {
			if time.Now().After(deadline) {
				t.Fatalf("rollups count %d, want %d", figuresOf(t, r, q).N, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitN(int64(ok))

	// Applied normally.
	for _, resp := range suspects[:3] {
		if err := review(c1, resp, survey.DecisionConfirm); err != nil {
			t.Fatal(err)
		}
	}
	if err := review(c1, suspects[3], survey.DecisionReject); err != nil {
		t.Fatal(err)
	}
	waitN(int64(ok + 3))
	// Once per answer, whatever the second decision.
	if err := review(c1, suspects[0], survey.DecisionConfirm); !errors.Is(err, derrors.ErrDuplicate) {
		t.Errorf("second confirmation: %v, want derrors.ErrDuplicate", err)
	}
	if err := review(c1, suspects[3], survey.DecisionConfirm); !errors.Is(err, derrors.ErrDuplicate) {
		t.Errorf("confirming a rejected answer: %v, want derrors.ErrDuplicate", err)
	}

	// The writer dies with confirmations journalled but not applied, while
	// another replica races it on one of them.
	c1.applyPaused.Store(true)
	for _, resp := range suspects[4:7] {
		if err := review(c1, resp, survey.DecisionConfirm); err != nil {
			t.Fatal(err)
		}
	}
	c2 := NewCommitter(s.db, r, slog.Default())
	c2.applyPaused.Store(true)
	stop2 := runCommitter(c2)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, c := range []*Committer{c1, c2} {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = review(c, suspects[7], survey.DecisionConfirm) }()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !(errors.Is(errs[0], derrors.ErrDuplicate) || errors.Is(errs[1], derrors.ErrDuplicate)) {
		t.Fatalf("two replicas confirming one answer: %v, %v; want one success and one derrors.ErrDuplicate", errs[0], errs[1])
	}
	stop1()
	stop2()
	// A replica that crashed between its journal entry and the review.
	orphan := journalEntry{ID: "ghost-1", Writer: "ghost", Seq: 1, At: time.Now().UTC(), Kind: journalConfirm,
		Responses: []bson.ObjectID{suspects[8].ID, suspects[0].ID}}
	if _, err := s.db.Collection("rollup_journal").InsertOne(ctx, orphan); err != nil {
		t.Fatal(err)
	}
	if got := figuresOf(t, r, q).N; got != int64(ok+3) {
		t.Fatalf("before repair rollups count %d, want %d (the crash lost the rest)", got, ok+3)
	}

	c3 := NewCommitter(s.db, r, slog.Default())
	if _, err := c3.Repair(ctx, 0); err != nil {
		t.Fatal(err)
	}
	want := int64(ok + 3 + 3 + 1) // applied, crashed, raced; not the rejected one nor the orphans
	if got := figuresOf(t, r, q).N; got != want {
		t.Fatalf("after repair rollups count %d, want %d", got, want)
	}
	before := snapshot(t, r)
	if _, err := c3.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, r); !reflect.DeepEqual(before, after) {
		t.Error("reindex (confirmed suspects count as ok) differs from the repaired rollups")
	}
	if got := figuresOf(t, r, q).N; got != want {
		t.Errorf("after reindex rollups count %d, want %d", got, want)
	}

	list, err := s.Suspects(ctx, base.Add(-time.Hour), base.Add(2*time.Hour), nil)
	if err != nil || len(list) != len(suspects)+others {
		t.Fatalf("Suspects: %d (%v), want %d", len(list), err, len(suspects)+others)
	}
	reviews, err := s.Reviews(ctx)
	if err != nil || len(reviews) != 8 {
		t.Errorf("reviews: %d (%v), want 8", len(reviews), err)
	}
	if only, _ := s.Suspects(ctx, base.Add(-time.Hour), base.Add(2*time.Hour), map[string]bool{"none": true}); len(only) != 0 {
		t.Errorf("Suspects outside the units: %d", len(only))
	}
}
