package rollup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"hailong/internal/derrors"
	"hailong/survey"
	"hailong/survey/period"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Rollups reads and writes rollup documents. Reads go through a cache:
// past periods change only with late answers, so they are kept until a
// writer on any replica announces a change on Redis; documents of the
// current day and month are re-read at most every second.
type Rollups struct {
	db    *mongo.Database
	store *survey.Store // the comment archive, which Reindex rebuilds
	rdb   *redis.Client // nil: no cross-replica invalidation
	log   *slog.Logger
	now   func() time.Time
	cache sync.Map   // docRef → cached
	lock  *storeLock // nil: this process is the store's only writer
}

type cached struct {
	doc     *RollupDoc
	fetched time.Time
}

// ChangedChannel carries the ids of rollup documents a flush changed.
const ChangedChannel = "hl:rollups:changed"

// NewRollups returns the rollup store. rdb may be nil in tests.
func NewRollups(db *mongo.Database, rdb *redis.Client, log *slog.Logger) *Rollups {
	return &Rollups{db: db, store: survey.NewStore(db), rdb: rdb, log: log, now: time.Now}
}

// ShareStore is for replicas sharing one store: every apply then holds a
// lock in the store, so that two processes never update one rollup
// document at once (embedded FerretDB would lose increments).
func (r *Rollups) ShareStore() { r.lock = newStoreLock(r.db, "rollups") }

// apply adds d to the rollups and records writer's batch seq on every
// document it touches; a document that already records seq (or a later
// batch of writer) is left alone, which makes replaying a journal entry
// after a crash idempotent. Each document done is removed from d, so that
// after an error (the store went away mid-flush) a retry of d, merged with
// later batches under a later seq, adds only what is missing.
//
// Each document is read, added to and replaced whole, on condition that
// nobody wrote it since it was read. One $inc with a path per counter would
// save the read, but embedded FerretDB checks the paths of an update
// against each other, so its cost grows with the square of their number:
// 1.1 s for the 2,400 paths of a busy second at 50 desks, against 31 ms for
// replacing the same document.
func (r *Rollups) apply(ctx context.Context, d deltas, writer string, seq int64) error {
	var changed []string
	defer func() { r.announce(ctx, changed) }() // after the release below
	if r.lock != nil {
		if err := r.lock.acquire(ctx); err != nil {
			return err
		}
		defer r.lock.release()
	}
	for t, cells := range d {
		done, err := r.applyDoc(ctx, t, cells, writer, seq)
		if err != nil {
			return err
		}
		delete(d, t)
		if done {
			changed = append(changed, t.Coll+"/"+t.ID)
		}
	}
	return nil
}

// replayEntry is one journal entry's increments, for replay.
type replayEntry struct {
	seq int64
	d   deltas
}

// replay applies a stopped writer's journal entries (in seq order): for
// each document, the entries it has not yet recorded, merged into one write
// under the last of their seqs. A crash halfway leaves each document
// either recording the entries or not, so replaying again is safe.
func (r *Rollups) replay(ctx context.Context, writer string, es []replayEntry) error {
	byDoc := map[docRef][]replayCells{}
	for _, e := range es {
		for t, cells := range e.d {
			byDoc[t] = append(byDoc[t], replayCells{seq: e.seq, cells: cells})
		}
	}
	for t, list := range byDoc {
		var doc RollupDoc
		err := r.db.Collection(t.Coll).FindOne(ctx, bson.D{{Key: "_id", Value: t.ID}}).Decode(&doc)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return derrors.Store(err, "read rollup "+t.Coll+"/"+t.ID)
		}
		recorded := doc.Seq[writer]
		merged := deltas{}
		var last int64
		for _, rc := range list {
			if rc.seq <= recorded {
				continue
			}
			for k, c := range rc.cells {
				merged.add(t, k, *c)
			}
			last = max(last, rc.seq)
		}
		if last == 0 {
			continue
		}
		if err := r.apply(ctx, merged, writer, last); err != nil {
			return err
		}
	}
	return nil
}

type replayCells struct {
	seq   int64
	cells map[string]*Cell
}

// maxConflicts bounds the retries of one document written by several
// replicas at once.
const maxConflicts = 20

func (r *Rollups) applyDoc(ctx context.Context, t docRef, cells map[string]*Cell, writer string, seq int64) (bool, error) {
	coll := r.db.Collection(t.Coll)
	// The document this process last wrote or read is usually still the
	// stored one, which saves reading (and the store parsing) it again; if
	// it is not, the version condition fails and the document is re-read.
	base := r.cachedVersion(t)
	for range maxConflicts {
		exists := true
		if base == nil {
			base = &RollupDoc{}
			err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: t.ID}}).Decode(base)
			if errors.Is(err, mongo.ErrNoDocuments) {
				exists = false
			} else if err != nil {
				return false, derrors.Store(err, "read rollup "+t.Coll+"/"+t.ID)
			}
		}
		if base.Seq[writer] >= seq {
			return false, nil
		}
		doc := base.with(cells)
		doc.ID, doc.V = t.ID, base.V+1
		doc.Seq[writer] = seq
		var err error
		if !exists {
			_, err = coll.InsertOne(ctx, doc)
			if mongo.IsDuplicateKeyError(err) {
				base = nil // another replica created it first
				continue
			}
		} else {
			var res *mongo.UpdateResult
			res, err = coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: t.ID}, versionIs(base.V)}, doc)
			if err == nil && res.MatchedCount == 0 {
				base = nil // written since: by another replica, or a reindex
				continue
			}
		}
		if err != nil {
			return false, derrors.Store(err, "write rollup "+t.Coll+"/"+t.ID)
		}
		r.cache.Store(t, cached{doc: doc, fetched: r.now()})
		return true, nil
	}
	return false, fmt.Errorf("write rollup %s/%s: %d conflicting writes in a row: %w", t.Coll, t.ID, maxConflicts, derrors.ErrUnavailable)
}

// cachedVersion returns the cached document of t if a writer wrote it
// (version > 0: it exists in the store), else nil.
func (r *Rollups) cachedVersion(t docRef) *RollupDoc {
	if v, ok := r.cache.Load(t); ok {
		if c := v.(cached); c.doc.V > 0 {
			return c.doc
		}
	}
	return nil
}

// with returns a copy of d with cells added; d itself is never changed,
// as cached documents are shared with readers.
func (d *RollupDoc) with(cells map[string]*Cell) *RollupDoc {
	out := &RollupDoc{Cells: make(map[string]Cell, len(d.Cells)+len(cells)), Seq: make(map[string]int64, len(d.Seq)+1)}
	for k, c := range d.Cells {
		var cp Cell
		cp.Add(c)
		out.Cells[k] = cp
	}
	for k, c := range cells {
		have := out.Cells[k]
		have.Add(*c)
		out.Cells[k] = have
	}
	for w, s := range d.Seq {
		out.Seq[w] = s
	}
	return out
}

// versionIs matches a document still at version v (0: written before
// documents had versions, or by a reindex).
func versionIs(v int64) bson.E {
	if v == 0 {
		return bson.E{Key: "v", Value: bson.D{{Key: "$exists", Value: false}}}
	}
	return bson.E{Key: "v", Value: v}
}

// announce tells every replica which documents changed.
func (r *Rollups) announce(ctx context.Context, changed []string) {
	if r.rdb == nil || len(changed) == 0 {
		return
	}
	if err := r.rdb.Publish(ctx, ChangedChannel, strings.Join(changed, "\n")).Err(); err != nil {
		r.log.Warn("announce rollup change", "err", err)
	}
}

// Listen drops cached documents any replica changed, then calls onChange
// (live dashboards), until ctx ends. Invalidating first means a dashboard
// told of a change never re-reads a stale cached document.
func (r *Rollups) Listen(ctx context.Context, onChange func()) {
	if r.rdb == nil {
		return
	}
	sub := r.rdb.Subscribe(ctx, ChangedChannel)
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			for _, s := range strings.Split(m.Payload, "\n") {
				if coll, id, ok := strings.Cut(s, "/"); ok {
					r.cache.Delete(docRef{Coll: coll, ID: id})
				}
			}
			if onChange != nil {
				onChange()
			}
		}
	}
}

// Read returns the rollup document of instrument for period, or an empty
// one when nothing was counted.
func (r *Rollups) Read(ctx context.Context, instrument string, p period.Period) (*RollupDoc, error) {
	t := docRef{Coll: collection(p), ID: instrument}
	now := r.now()
	if v, ok := r.cache.Load(t); ok {
		c := v.(cached)
		if now.Sub(c.fetched) < r.maxAge(p, now) {
			return c.doc, nil
		}
	}
	var doc RollupDoc
	err := r.db.Collection(t.Coll).FindOne(ctx, bson.D{{Key: "_id", Value: t.ID}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		doc = RollupDoc{ID: instrument}
	} else if err != nil {
		return nil, derrors.Store(err, "read rollup "+t.Coll+"/"+t.ID)
	}
	r.cache.Store(t, cached{doc: &doc, fetched: now})
	return &doc, nil
}

// maxAge is how long a cached document may be served: a second for
// periods still open, longer for closed ones (invalidation covers changes;
// the age bounds what a lost invalidation can cost).
func (r *Rollups) maxAge(p period.Period, now time.Time) time.Duration {
	if now.Before(p.End().Add(time.Minute)) {
		return time.Second
	}
	return 5 * time.Minute
}

// Collections lists the rollup collections that exist, for reindexing.
func (r *Rollups) Collections(ctx context.Context) ([]string, error) {
	names, err := r.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, derrors.Store(err, "list collections")
	}
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, "rollup_d_") || strings.HasPrefix(n, "rollup_m_") {
			out = append(out, n)
		}
	}
	return out, nil
}

// forget empties the cache (after a reindex).
func (r *Rollups) forget() {
	r.cache.Range(func(k, _ any) bool { r.cache.Delete(k); return true })
}
