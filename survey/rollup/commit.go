package rollup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"hailong/internal/derrors"
	"hailong/survey"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Committer stores responses and keeps the rollups in step with them.
//
// Submissions are group-committed: one goroutine takes every response
// waiting, writes a journal entry naming them, inserts them with one
// InsertMany, and only then answers each waiting handler, so a 303 means
// the answer is durably stored. The rollup increments of committed batches
// are merged and flushed by a second goroutine at least every second — one
// writer per process, because the embedded store loses concurrent updates.
//
// Crash safety: a journal entry outlives its batch until every rollup
// document it touches records the batch (Seq), so after a crash the
// entries left over are replayed exactly once (see Repair).
type Committer struct {
	store      *survey.Store // reviews and the comment archive
	responses  *mongo.Collection
	journal    *mongo.Collection
	rollups    *Rollups
	comments   *survey.Comments
	log        *slog.Logger
	flushEvery time.Duration

	writer string // this process's writer id
	seq    int64

	// writers holds each writer's heartbeat; beatEvery > 0 (ShareStore)
	// keeps this one's and replays writers silent for staleAfter.
	writers    *mongo.Collection
	beatEvery  time.Duration
	staleAfter time.Duration

	queue   chan *submission
	applyCh chan batchDone
	stopped chan struct{}

	// applyPaused lets a test simulate a crash: batches commit but never
	// reach the rollups.
	applyPaused atomic.Bool
	// commentsPausedUntil: no Redis comment list before then (applyLoop only).
	commentsPausedUntil time.Time
	// noRollups turns the rollup machinery off (journal and increments), for
	// the benchmark that measures what it costs.
	noRollups bool
}

type submission struct {
	r *survey.Response
	// review, when set, confirms the stored suspect r instead of storing it.
	review *survey.Review
	done   chan error
}

type batchDone struct {
	journalID string
	seq       int64 // the entry's
	deltas    deltas
	comments  []*survey.Response // counted responses whose comments the dashboard lists
	// unsure are the ids of an insert the store never answered (it went
	// away mid-write): stored or not, they got a 503; the rollup loop looks
	// them up before it counts the batch.
	unsure []bson.ObjectID
}

// journalEntry records a committed batch until its increments are in the
// rollups.
type journalEntry struct {
	ID        string          `bson:"_id"`
	Writer    string          `bson:"writer"`
	Seq       int64           `bson:"seq"`
	At        time.Time       `bson:"at"`
	Responses []bson.ObjectID `bson:"responses"`
	// Kind is journalConfirm for an entry that counts a confirmed suspect
	// response, empty for a batch of new responses.
	Kind string `bson:"kind,omitempty"`
}

// journalConfirm marks a journal entry counting a confirmed response.
const journalConfirm = "confirm"

// maxBatch bounds one group commit.
const maxBatch = 256

// NewCommitter returns a committer over db; call Repair, then Run.
func NewCommitter(db *mongo.Database, rollups *Rollups, log *slog.Logger) *Committer {
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	return &Committer{
		store:      survey.NewStore(db),
		responses:  db.Collection("responses"),
		journal:    db.Collection("rollup_journal"),
		writers:    db.Collection("rollup_writers"),
		rollups:    rollups,
		comments:   survey.NewComments(rollups.rdb, db),
		log:        log,
		flushEvery: time.Second,
		writer:     hex.EncodeToString(id),
		queue:      make(chan *submission, 4096),
		applyCh:    make(chan batchDone, 1024),
		stopped:    make(chan struct{}),
	}
}

// Submit stores r and returns once it is durable: nil, derrors.Duplicate for a
// nonce already stored, or the store's error. ctx bounds only the wait.
func (c *Committer) Submit(ctx context.Context, r *survey.Response) error {
	if r.ID.IsZero() {
		r.ID = bson.NewObjectID()
	}
	return c.enqueue(ctx, &submission{r: r, done: make(chan error, 1)})
}

// Review records an official's decision on the stored suspect response r.
// A rejection is only recorded. A confirmation goes through the writer
// like a new answer: a journal entry, the review, then r's increments as
// if its status were ok, so a crash at any point neither loses nor doubles
// them (see Repair). derrors.Duplicate: r was already reviewed.
func (c *Committer) Review(ctx context.Context, r *survey.Response, rv *survey.Review) error {
	rv.ResponseID = r.ID
	if rv.Decision != survey.DecisionConfirm {
		return c.store.InsertReview(ctx, rv)
	}
	return c.enqueue(ctx, &submission{r: r, review: rv, done: make(chan error, 1)})
}

func (c *Committer) enqueue(ctx context.Context, s *submission) error {
	// Stopped first: with room in the queue, the select below could pick
	// the queue at random, and nobody would ever answer.
	select {
	case <-c.stopped:
		return errors.New("committer stopped")
	default:
	}
	select {
	case c.queue <- s:
	case <-c.stopped:
		return errors.New("committer stopped")
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-s.done:
		return err
	case <-ctx.Done():
		// The batch may still commit; the citizen's retry with the same
		// nonce then finds it stored and sees the thank-you.
		return ctx.Err()
	}
}

// Run commits and applies until ctx is done, then drains: every queued
// submission is answered and every committed increment is flushed.
func (c *Committer) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.applyLoop()
	}()
	watchCtx, stopWatch := context.WithCancel(context.Background())
	waitWatch := c.watch(watchCtx)
	for {
		select {
		case s := <-c.queue:
			c.commit(c.drain(s))
		case <-ctx.Done():
			close(c.stopped)
			for {
				select {
				case s := <-c.queue:
					c.commit(c.drain(s))
					continue
				default:
				}
				break
			}
			close(c.applyCh)
			wg.Wait()
			stopWatch()
			waitWatch()
			if c.beatEvery > 0 {
				// Flushed: nothing of this writer is left to replay.
				dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, _ = c.writers.DeleteOne(dctx, bson.D{{Key: "_id", Value: c.writer}})
				cancel()
			}
			return
		}
	}
}

// drain collects what is waiting behind first, up to maxBatch.
func (c *Committer) drain(first *submission) []*submission {
	batch := []*submission{first}
	for len(batch) < maxBatch {
		select {
		case s := <-c.queue:
			batch = append(batch, s)
		default:
			return batch
		}
	}
	return batch
}

// commit writes one batch: journal entry first, then the responses.
// Confirmations waiting in the batch are written one by one.
func (c *Committer) commit(batch []*submission) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	plain := batch[:0:0]
	for _, s := range batch {
		if s.review != nil {
			c.confirm(ctx, s)
		} else {
			plain = append(plain, s)
		}
	}
	if batch = plain; len(batch) == 0 {
		return
	}
	c.seq++
	entry := journalEntry{ID: fmt.Sprintf("%s-%d", c.writer, c.seq), Writer: c.writer, Seq: c.seq, At: time.Now().UTC()}
	docs := make([]any, len(batch))
	for i, s := range batch {
		entry.Responses = append(entry.Responses, s.r.ID)
		docs[i] = s.r
	}
	if c.noRollups {
		// benchmark baseline: store only
	} else if _, err := c.journal.InsertOne(ctx, entry); err != nil {
		for _, s := range batch {
			s.done <- fmt.Errorf("journal: %w", err)
		}
		return
	}
	errs := make([]error, len(batch))
	_, err := c.responses.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	var unsure []bson.ObjectID
	switch {
	case err == nil:
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		for _, we := range bwe.WriteErrors {
			if we.Index < 0 || we.Index >= len(errs) {
				continue
			}
			if mongo.IsDuplicateKeyError(we) {
				errs[we.Index] = derrors.Duplicate
			} else {
				errs[we.Index] = fmt.Errorf("insert response: %w", we)
			}
		}
	default:
		for i, s := range batch {
			errs[i] = fmt.Errorf("insert responses: %w", err)
			unsure = append(unsure, s.r.ID)
		}
	}
	d := deltas{}
	var stored []*survey.Response
	for i, s := range batch {
		if errs[i] == nil {
			d.addResponse(s.r)
			stored = append(stored, s.r)
		}
		s.done <- errs[i]
	}
	if !c.noRollups {
		c.applyCh <- batchDone{journalID: entry.ID, seq: entry.Seq, deltas: d, comments: stored, unsure: unsure}
	}
}

// listComments adds counted comments to the dashboard's Redis list. It
// runs in the rollup loop, off the citizens' path, with a short deadline so
// a Redis outage does not hold up the flushes either.
func (c *Committer) listComments(ctx context.Context, rs []*survey.Response) {
	// After a failure the list is skipped for a second: a Redis outage then
	// costs one timeout per second instead of one per batch, which made this
	// loop fall behind the commits (and shutdown wait for the backlog).
	if time.Now().Before(c.commentsPausedUntil) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := c.comments.Add(ctx, rs); err != nil {
		// The comment is safe in responses; only the dashboard list misses it.
		c.commentsPausedUntil = time.Now().Add(time.Second)
		c.log.Warn("list new comments", "err", err)
	}
}

// confirm writes a confirmation: a journal entry naming the response, the
// review naming the entry, then the response's increments as if ok. If the
// review cannot be stored (another official reviewed it first), the entry
// is removed; should that fail, Repair finds no review naming the entry and
// counts nothing.
func (c *Committer) confirm(ctx context.Context, s *submission) {
	c.seq++
	entry := journalEntry{ID: fmt.Sprintf("%s-%d", c.writer, c.seq), Writer: c.writer, Seq: c.seq, At: time.Now().UTC(),
		Responses: []bson.ObjectID{s.r.ID}, Kind: journalConfirm}
	if !c.noRollups {
		if _, err := c.journal.InsertOne(ctx, entry); err != nil {
			s.done <- fmt.Errorf("journal: %w", err)
			return
		}
		s.review.Journal = entry.ID
	}
	if err := c.store.InsertReview(ctx, s.review); err != nil {
		if !c.noRollups {
			if _, derr := c.journal.DeleteOne(ctx, bson.D{{Key: "_id", Value: entry.ID}}); derr != nil {
				c.log.Warn("clear journal entry of a refused review", "err", derr)
			}
		}
		s.done <- err
		return
	}
	d := deltas{}
	d.addResponse(asConfirmed(s.r))
	s.done <- nil
	if !c.noRollups {
		c.applyCh <- batchDone{journalID: entry.ID, seq: entry.Seq, deltas: d, comments: []*survey.Response{asConfirmed(s.r)}}
	}
}

// asConfirmed is r counted as an official confirmed it.
func asConfirmed(r *survey.Response) *survey.Response {
	ok := *r
	ok.Status = survey.StatusOK
	return &ok
}

// applyLoop merges committed batches and flushes them at least every
// flushEvery, and once more when the committer stops.
func (c *Committer) applyLoop() {
	t := time.NewTicker(c.flushEvery)
	defer t.Stop()
	pending := deltas{}
	var journals []string
	var seq int64
	var unsure []bson.ObjectID
	// Comments are archived with the flush, in one insert a second rather
	// than one per batch: each write holds the store's write lock, and the
	// citizens' inserts wait behind it.
	var comments []*survey.Response
	flush := func() {
		if len(journals) == 0 || c.applyPaused.Load() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if len(unsure) > 0 {
			// Count those the store kept (a 503, then the citizen's retry
			// meets derrors.Duplicate: counted here, once); until the store
			// answers, the flush waits with the journal kept.
			found, err := c.stored(ctx, unsure)
			if err != nil {
				c.log.Error("look up responses of an unanswered insert", "err", err)
				return
			}
			for _, r := range found {
				pending.addResponse(r)
			}
			if len(found) > 0 {
				c.listComments(ctx, found)
				comments = append(comments, found...)
			}
			unsure = nil
		}
		if len(comments) > 0 {
			if err := c.store.ArchiveComments(ctx, comments); err != nil {
				// Kept with the journal: retried next tick, or rewritten
				// by Repair after a restart.
				c.log.Error("archive comments", "err", err)
				return
			}
			comments = nil
		}
		if err := c.rollups.apply(ctx, pending, c.writer, seq); err != nil {
			// Keep the increments and the journal: retried next tick,
			// or replayed by Repair after a restart.
			c.log.Error("flush rollups", "err", err)
			return
		}
		if _, err := c.journal.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: journals}}}}); err != nil {
			c.log.Warn("clear rollup journal", "err", err)
		}
		pending, journals = deltas{}, nil
	}
	for {
		select {
		case b, ok := <-c.applyCh:
			if !ok {
				flush()
				return
			}
			pending.merge(b.deltas)
			if len(b.comments) > 0 {
				c.listComments(context.Background(), b.comments)
				comments = append(comments, b.comments...)
			}
			journals = append(journals, b.journalID)
			unsure = append(unsure, b.unsure...)
			seq = b.seq
		case <-t.C:
			flush()
		}
	}
}

// stored returns the responses of ids that are in the store, one find by
// _id each (fast on the embedded store, where an $in scans the collection).
func (c *Committer) stored(ctx context.Context, ids []bson.ObjectID) ([]*survey.Response, error) {
	var found []*survey.Response
	for _, id := range ids {
		var r survey.Response
		err := c.responses.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read response %s: %w", id.Hex(), err)
		}
		found = append(found, &r)
	}
	return found, nil
}

// Repair replays journal entries left by writers that stopped before
// flushing: for each entry in order, the responses it names that were
// stored are counted into every rollup document that does not already
// record the entry. A writer is taken as still running, and its entries
// left alone, while its heartbeat is younger than staleAfter or, for a
// writer without one (an older version), while the entry is younger than
// staleAfter. staleAfter is 0 when this process owns the store: every
// other writer has stopped.
func (c *Committer) Repair(ctx context.Context, staleAfter time.Duration) (int, error) {
	var beats map[string]time.Time
	if staleAfter > 0 {
		var err error
		if beats, err = c.beats(ctx); err != nil {
			return 0, err
		}
	}
	live := func(e journalEntry) bool {
		if e.Writer == c.writer {
			return true
		}
		if b, ok := beats[e.Writer]; ok {
			return time.Since(b) < staleAfter
		}
		return time.Since(e.At) < staleAfter
	}
	cur, err := c.journal.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "writer", Value: 1}, {Key: "seq", Value: 1}}))
	if err != nil {
		return 0, fmt.Errorf("read rollup journal: %w", err)
	}
	var entries []journalEntry
	if err := cur.All(ctx, &entries); err != nil {
		return 0, fmt.Errorf("read rollup journal: %w", err)
	}
	// Entries are replayed per writer and per document, all at once: one
	// write per rollup document instead of one per entry (a restart after
	// a crash under load replayed 1,148 entries one by one in 13 s).
	var reviews map[bson.ObjectID]survey.Review
	byWriter := map[string][]replayEntry{}
	var counted []*survey.Response
	var replayed []string
	for _, e := range entries {
		if live(e) {
			continue
		}
		if e.Kind == journalConfirm && reviews == nil {
			if reviews, err = c.store.Reviews(ctx); err != nil {
				return 0, err
			}
		}
		// Responses never stored (a duplicate, or the crash came first)
		// are not found, so count nothing.
		rs, err := c.stored(ctx, e.Responses)
		if err != nil {
			return 0, err
		}
		d := deltas{}
		for _, r := range rs {
			if e.Kind == journalConfirm {
				// Counted only through the entry its review names; a
				// batch entry counts the response as it was stored
				// (suspect: nothing), so nothing is counted twice.
				if rv, ok := reviews[r.ID]; ok && rv.Decision == survey.DecisionConfirm && rv.Journal == e.ID {
					d.addResponse(asConfirmed(r))
					counted = append(counted, asConfirmed(r))
				}
				continue
			}
			d.addResponse(r)
			counted = append(counted, r)
		}
		byWriter[e.Writer] = append(byWriter[e.Writer], replayEntry{seq: e.Seq, d: d})
		replayed = append(replayed, e.ID)
	}
	for writer, es := range byWriter {
		if err := c.rollups.replay(ctx, writer, es); err != nil {
			return 0, err
		}
	}
	// Idempotent: archived comments are keyed by response id.
	if err := c.store.ArchiveComments(ctx, counted); err != nil {
		return 0, err
	}
	if len(replayed) > 0 {
		if _, err := c.journal.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: replayed}}}}); err != nil {
			return 0, fmt.Errorf("clear journal entries: %w", err)
		}
	}
	if staleAfter > 0 {
		if err := c.forgetStale(ctx, staleAfter); err != nil {
			return 0, err
		}
	}
	return len(replayed), nil
}

// Reindex rebuilds the rollups from the responses (see Rollups.Reindex),
// counting confirmed suspects as ok. The committer must not be running.
func (c *Committer) Reindex(ctx context.Context) (ReindexStats, error) {
	reviews, err := c.store.Reviews(ctx)
	if err != nil {
		return ReindexStats{}, err
	}
	confirmed := map[bson.ObjectID]bool{}
	for id, rv := range reviews {
		if rv.Decision == survey.DecisionConfirm {
			confirmed[id] = true
		}
	}
	return c.rollups.Reindex(ctx, c.responses, c.journal, confirmed)
}
