package rollup

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/internal/testdb"
	"hailong/survey"
	"hailong/survey/period"
)

// randomResponse is a plausible answer to the counter form at t.
func randomResponse(rng *rand.Rand, at time.Time, desk survey.Desk) *survey.Response {
	pick := func() int {
		x := rng.IntN(100)
		switch {
		case x < 8:
			return 0
		case x < 12:
			return 1 + rng.IntN(3)
		default:
			return 4 + rng.IntN(2)
		}
	}
	r := &survey.Response{
		ID: bson.NewObjectID(), Nonce: fmt.Sprint(rng.Uint64()), Instrument: "counter@1",
		Desk: desk.ID, Unit: desk.Unit, Channel: survey.Channels[rng.IntN(2)], Lang: "vi", Status: survey.StatusOK,
		SubmittedAt: at.UTC(),
		Answers: map[string]int{
			"overall": 1 + rng.IntN(5), "a": pick(), "b": pick(), "c": pick(), "d": pick(), "e": pick(),
			"harass": 1 + rng.IntN(3), "online_next": 1 + rng.IntN(3),
		},
		Choices: map[string][]string{"heard": []string{"radio", "portal"}[:1+rng.IntN(2)]},
	}
	if rng.IntN(4) == 0 {
		r.Comment = "Góp ý số " + fmt.Sprint(rng.IntN(1000))
	}
	if rng.IntN(20) == 0 {
		r.Status, r.Reasons = survey.StatusSuspect, []string{"honeypot"}
	}
	return r
}

// recount builds a tally straight from responses, without rollups.
func recount(t *testing.T, s *testStore, q Query) *Tally {
	t.Helper()
	ctx := context.Background()
	cur, err := s.responses.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	tally := newTally()
	from, to := period.DayOf(q.From).Start, period.DayOf(q.To).End()
	for cur.Next(ctx) {
		var r survey.Response
		if err := cur.Decode(&r); err != nil {
			t.Fatal(err)
		}
		key := CellKey{Unit: r.Unit, Desk: r.Desk, Channel: r.Channel}
		if r.Status != survey.StatusOK || r.Instrument != q.Instrument.ID() || !q.selects(key) ||
			r.SubmittedAt.Before(from) || !r.SubmittedAt.Before(to) {
			continue
		}
		c := Cell{N: 1, H: map[string]map[string]int64{}, M: map[string]map[string]int64{}}
		for item, code := range r.Answers {
			c.H[item] = map[string]int64{fmt.Sprintf("c%d", code): 1}
		}
		for item, keys := range r.Choices {
			c.M[item] = map[string]int64{}
			for _, k := range keys {
				c.M[item][k]++
			}
		}
		if r.Comment != "" {
			c.Comments = 1
		}
		tally.add(key, c, Query{Breakdown: true, Hours: true})
	}
	return tally
}

// testStore is survey's store, with the collections the tests read
// straight from the database.
type testStore struct {
	*survey.Store
	db        *mongo.Database
	responses *mongo.Collection
}

// testSetup is a fresh database holding the demo city: its store, its
// rollups, the counter form and the desks.
func testSetup(t testing.TB) (*testStore, *Rollups, *survey.Instrument, []survey.Desk) {
	t.Helper()
	db := testdb.Mongo(t)
	ctx := context.Background()
	s := &testStore{Store: survey.NewStore(db), db: db, responses: db.Collection("responses")}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedDemo(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	desks, err := s.Desks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set, err := survey.LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := set.Latest("counter")
	return s, NewRollups(db, nil, slog.Default()), in, desks
}

// figuresOf computes the report of q from rollups, without cache.
func figuresOf(t *testing.T, r *Rollups, q Query) Figures {
	t.Helper()
	r.forget()
	rep, err := r.Report(context.Background(), q, "vi")
	if err != nil {
		t.Fatal(err)
	}
	return rep.Figures
}

func assertMatchesRecount(t *testing.T, s *testStore, r *Rollups, q Query) {
	t.Helper()
	got := figuresOf(t, r, q)
	want := Compute(q.Instrument, recount(t, s, q), q.Agg, "vi")
	if want.N == 0 {
		t.Fatalf("query selects nothing: %+v", q)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rollup figures differ from recount for %+v:\n got  n=%d service=%v\n want n=%d service=%v", q, got.N, val(got.Service), want.N, val(want.Service))
	}
}

func val(f *Figure) any {
	if f == nil || f.HL == nil {
		return nil
	}
	return *f.HL
}

func TestCrashRepair(t *testing.T) {
	s, r, in, desks := testSetup(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	// Half the answers are flushed normally; then the writer "dies" with
	// batches committed but not applied.
	c1 := NewCommitter(s.db, r, slog.Default())
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { c1.Run(runCtx); close(done) }()
	base := time.Date(2024, 5, 31, 20, 0, 0, 0, period.Vietnam)
	submit := func(c *Committer, n int) {
		var batch []*survey.Response
		for i := 0; i < n; i++ {
			batch = append(batch, randomResponse(rng, base.Add(time.Duration(rng.IntN(8*3600))*time.Second), desks[rng.IntN(len(desks))]))
		}
		errs := make(chan error, n)
		for _, resp := range batch {
			go func() { errs <- c.Submit(ctx, resp) }()
		}
		for range batch {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	start := time.Now()
	submit(c1, 300)
	t.Logf("300 concurrent submissions: %v", time.Since(start))
	c1.applyPaused.Store(true) // simulate the crash: nothing more reaches the rollups
	time.Sleep(1200 * time.Millisecond)
	submit(c1, 300)
	stop()
	<-done

	q := Query{Instrument: in, From: base, To: base.AddDate(0, 0, 1), Agg: AggPooled}
	if got := figuresOf(t, r, q); got.N >= recount(t, s, q).Total.N {
		t.Fatalf("the simulated crash lost nothing (n=%d): the test proves nothing", got.N)
	}

	// Part of one batch reached one document before the crash.
	var e journalEntry
	if err := s.db.Collection("rollup_journal").FindOne(ctx, bson.D{}).Decode(&e); err != nil {
		t.Fatal(err)
	}
	d := deltas{}
	for _, id := range e.Responses {
		var resp survey.Response
		if err := s.responses.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&resp); err == nil {
			d.addResponse(&resp)
		}
	}
	for ref, cells := range d {
		if err := r.apply(ctx, deltas{ref: cells}, e.Writer, e.Seq); err != nil {
			t.Fatal(err)
		}
		break
	}

	c2 := NewCommitter(s.db, r, slog.Default())
	n, err := c2.Repair(ctx, 0)
	if err != nil || n == 0 {
		t.Fatalf("repair: %d batches, %v", n, err)
	}
	assertMatchesRecount(t, s, r, q)
	assertMatchesRecount(t, s, r, Query{Instrument: in, Units: map[string]bool{"vt-p1": true}, From: base, To: base, Agg: AggPooled})
	if n, _ := c2.Repair(ctx, 0); n != 0 {
		t.Errorf("second repair replayed %d batches", n)
	}
	assertCommentArchive(t, s)

	// Reindex gives the same rollups, twice.
	before := snapshot(t, r)
	for i := 0; i < 2; i++ {
		st, err := c2.Reindex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Responses != 600 {
			t.Errorf("reindex read %d responses, want 600", st.Responses)
		}
		if after := snapshot(t, r); !reflect.DeepEqual(before, after) {
			t.Fatalf("reindex %d changed the rollups", i+1)
		}
	}
	assertMatchesRecount(t, s, r, q)
	assertCommentArchive(t, s)
}

// assertCommentArchive checks the monthly comment archives hold exactly the
// comments of counted responses.
func assertCommentArchive(t *testing.T, s *testStore) {
	t.Helper()
	ctx := context.Background()
	cur, err := s.responses.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for cur.Next(ctx) {
		var r survey.Response
		if err := cur.Decode(&r); err != nil {
			t.Fatal(err)
		}
		if r.Comment != "" && r.Status == survey.StatusOK {
			want[period.MonthOf(r.SubmittedAt).Label()]++
		}
	}
	if len(want) == 0 {
		t.Fatal("no comments: the check proves nothing")
	}
	for month, n := range want {
		at, _ := time.ParseInLocation("2006-01", month, period.Vietnam)
		got, err := s.MonthComments(ctx, at, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Errorf("%s: %d archived comments, want %d", month, len(got), n)
		}
	}
}

// snapshot reads every rollup document's cells.
func snapshot(t *testing.T, r *Rollups) map[string]map[string]Cell {
	t.Helper()
	ctx := context.Background()
	names, err := r.Collections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]Cell{}
	for _, n := range names {
		cur, err := r.db.Collection(n).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []RollupDoc
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			out[n+"/"+d.ID] = d.Cells
		}
	}
	return out
}

// TestRollupWritersDoNotOverwrite: two writers (two replicas sharing one
// store) add to the same documents at once; every increment survives.
func TestRollupWritersDoNotOverwrite(t *testing.T) {
	s, _, in, desks := testSetup(t)
	ctx := context.Background()
	at := time.Date(2024, 5, 6, 9, 0, 0, 0, period.Vietnam)
	const each = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w := range 2 {
		// Separate Rollups values: no shared cache, like two processes.
		r := NewRollups(s.db, nil, slog.Default())
		r.ShareStore()
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 3))
			for i := range each {
				d := deltas{}
				resp := randomResponse(rng, at, desks[0])
				resp.Instrument, resp.Status = in.ID(), survey.StatusOK
				d.addResponse(resp)
				if err := r.apply(ctx, d, fmt.Sprintf("writer-%d", w), int64(i+1)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, p := range []period.Period{period.DayOf(at), period.MonthOf(at)} {
		doc, err := NewRollups(s.db, nil, slog.Default()).Read(ctx, in.ID(), p)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, c := range doc.Cells {
			n += c.N
		}
		if n != 2*each {
			t.Errorf("%s: %d answers counted, want %d", p.Label(), n, 2*each)
		}
		if doc.V != 2*each {
			t.Errorf("%s: version %d after %d writes", p.Label(), doc.V, 2*each)
		}
	}
}
