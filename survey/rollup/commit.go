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

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/derrors"
	"hailong/survey"
)

// Committer stores responses and keeps the rollups in step with them.
//
// Submissions are group-committed: one goroutine takes every response
// waiting, writes a journal entry naming them, inserts them with one
// InsertMany, and only then answers each waiting handler, so a 303 means
// the answer is durably stored. The rollup increments of committed batches
// are merged and flushed by a second goroutine at least every second — one
// writer per process, because the embedded store loses concurrent updates
// (apply.go).
//
// Crash safety: a journal entry outlives its batch until every rollup
// document it touches records the batch (Seq), so after a crash the
// entries left over are replayed exactly once (journal.go, Repair).
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

// maxBatch bounds one group commit.
const maxBatch = 256

// errStopped answers submissions once the committer has stopped.
var errStopped = fmt.Errorf("committer stopped: %w", derrors.ErrUnavailable)

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

// Submit stores r and returns once it is durable: nil, derrors.ErrDuplicate for a
// nonce already stored, or the store's error. ctx bounds only the wait.
func (c *Committer) Submit(ctx context.Context, r *survey.Response) error {
	if r.ID.IsZero() {
		r.ID = bson.NewObjectID()
	}
	return c.enqueue(ctx, &submission{r: r, done: make(chan error, 1)})
}

func (c *Committer) enqueue(ctx context.Context, s *submission) error {
	// Stopped first: with room in the queue, the select below could pick
	// the queue at random, and nobody would ever answer.
	select {
	case <-c.stopped:
		return errStopped
	default:
	}
	select {
	case c.queue <- s:
	case <-c.stopped:
		return errStopped
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
	wg.Go(c.applyLoop)
	watchCtx, stopWatch := context.WithCancel(context.Background())
	waitWatch := c.watch(watchCtx)
	for {
		select {
		case s := <-c.queue:
			c.commit(c.drain(s))
		case <-ctx.Done():
			close(c.stopped)
			c.commitQueued()
			close(c.applyCh)
			wg.Wait()
			stopWatch()
			waitWatch()
			c.leave()
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

// commitQueued commits what is still queued once the committer stopped.
func (c *Committer) commitQueued() {
	for {
		select {
		case s := <-c.queue:
			c.commit(c.drain(s))
		default:
			return
		}
	}
}

// leave removes this writer's heartbeat once everything is flushed:
// nothing of it is left to replay.
func (c *Committer) leave() {
	if c.beatEvery <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = c.writers.DeleteOne(ctx, bson.D{{Key: "_id", Value: c.writer}})
}

// nextEntry is the journal entry of this writer's next batch.
func (c *Committer) nextEntry(kind string, responses []bson.ObjectID) journalEntry {
	c.seq++
	return journalEntry{ID: fmt.Sprintf("%s-%d", c.writer, c.seq), Writer: c.writer, Seq: c.seq,
		At: time.Now().UTC(), Responses: responses, Kind: kind}
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
	ids := make([]bson.ObjectID, len(batch))
	for i, s := range batch {
		ids[i] = s.r.ID
	}
	entry := c.nextEntry("", ids)
	if !c.noRollups { // the benchmark's baseline stores only
		if _, err := c.journal.InsertOne(ctx, entry); err != nil {
			for _, s := range batch {
				s.done <- derrors.Store(err, "journal")
			}
			return
		}
	}
	errs, unsure := c.insert(ctx, batch)
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

// insert stores the batch's responses with one InsertMany and returns
// each one's error: derrors.ErrDuplicate for a nonce already stored. When
// the store never answered, every response is unsure: stored or not.
func (c *Committer) insert(ctx context.Context, batch []*submission) (errs []error, unsure []bson.ObjectID) {
	docs := make([]any, len(batch))
	for i, s := range batch {
		docs[i] = s.r
	}
	errs = make([]error, len(batch))
	_, err := c.responses.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case err == nil:
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		for _, we := range bwe.WriteErrors {
			if we.Index >= 0 && we.Index < len(errs) {
				errs[we.Index] = derrors.Store(we, "insert response")
			}
		}
	default:
		for i, s := range batch {
			errs[i] = derrors.Store(err, "insert responses")
			unsure = append(unsure, s.r.ID)
		}
	}
	return errs, unsure
}
