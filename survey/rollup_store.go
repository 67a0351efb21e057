package survey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/web"
)

// Rollups reads and writes rollup documents. Reads go through a cache:
// past periods change only with late answers, so they are kept until a
// writer on any replica announces a change on Redis; documents of the
// current day and month are re-read at most every second.
type Rollups struct {
	db    *mongo.Database
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
	return &Rollups{db: db, rdb: rdb, log: log, now: time.Now}
}

// ShareStore is for replicas sharing one store: every apply then holds a
// lock in the store, so that two processes never update one rollup
// document at once (embedded FerretDB would lose increments).
func (r *Rollups) ShareStore() { r.lock = newStoreLock(r.db, "rollups") }

// apply adds d to the rollups and records writer's batch seq on every
// document it touches. Each document done is removed from d, so that after
// an error (the store went away mid-flush) a retry of d adds only what is
// missing instead of counting the done documents twice.
func (r *Rollups) apply(ctx context.Context, d deltas, writer string, seq int64) error {
	var changed []string
	defer func() { r.announce(ctx, changed) }() // after the release below
	if r.lock != nil {
		if err := r.lock.acquire(ctx); err != nil {
			return err
		}
		defer r.lock.release()
	}
	for t, paths := range d {
		inc := make(bson.D, 0, len(paths))
		for p, n := range paths {
			inc = append(inc, bson.E{Key: p, Value: n})
		}
		upd := bson.D{{Key: "$inc", Value: inc}, {Key: "$set", Value: bson.D{{Key: "seq." + writer, Value: seq}}}}
		_, err := r.db.Collection(t.Coll).UpdateOne(ctx, bson.D{{Key: "_id", Value: t.ID}}, upd, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("update rollup %s/%s: %w", t.Coll, t.ID, err)
		}
		delete(d, t)
		r.cache.Delete(t)
		changed = append(changed, t.Coll+"/"+t.ID)
	}
	return nil
}

// applyUnlessRecorded applies d to each document that has not yet
// recorded writer's batch seq.
func (r *Rollups) applyUnlessRecorded(ctx context.Context, d deltas, writer string, seq int64) error {
	for t, paths := range d {
		var doc RollupDoc
		err := r.db.Collection(t.Coll).FindOne(ctx, bson.D{{Key: "_id", Value: t.ID}}).Decode(&doc)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("read rollup %s/%s: %w", t.Coll, t.ID, err)
		}
		if doc.Seq[writer] >= seq {
			continue
		}
		if err := r.apply(ctx, deltas{t: paths}, writer, seq); err != nil {
			return err
		}
	}
	return nil
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
func (r *Rollups) Read(ctx context.Context, instrument string, p Period) (*RollupDoc, error) {
	t := docRef{Coll: p.Collection(), ID: instrument}
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
		return nil, fmt.Errorf("read rollup %s/%s: %w", t.Coll, t.ID, err)
	}
	r.cache.Store(t, cached{doc: &doc, fetched: now})
	return &doc, nil
}

// maxAge is how long a cached document may be served: a second for
// periods still open, longer for closed ones (invalidation covers changes;
// the age bounds what a lost invalidation can cost).
func (r *Rollups) maxAge(p Period, now time.Time) time.Duration {
	if now.Before(p.End().Add(time.Minute)) {
		return time.Second
	}
	return 5 * time.Minute
}

// Plan splits the days [from, to] (inclusive, Vietnam dates) into whole
// months and the days at the edges: the documents a query must read.
func Plan(from, to time.Time) []Period {
	from, to = DayOf(from).Start, DayOf(to).Start
	var out []Period
	for d := from; !d.After(to); {
		m := MonthOf(d)
		if d.Equal(m.Start) && !m.End().AddDate(0, 0, -1).After(to) {
			out = append(out, m)
			d = m.End()
			continue
		}
		out = append(out, DayOf(d))
		d = d.AddDate(0, 0, 1)
		// AddDate keeps the wall clock; Vietnam has no DST, so midnight stays midnight.
		d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, web.Vietnam)
	}
	return out
}

// Collections lists the rollup collections that exist, for reindexing.
func (r *Rollups) Collections(ctx context.Context) ([]string, error) {
	names, err := r.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("list collections: %w", err)
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
