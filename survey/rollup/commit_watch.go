package rollup

import (
	"context"
	"sync"
	"time"

	"hailong/internal/derrors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Replicas sharing one MongoDB each write their own journal entries. A
// replica killed before its flush leaves entries that only another
// process may replay, and only once it is sure their writer is gone: a
// live writer flushes them itself, and replaying them too would count
// them twice. Each writer therefore keeps a heartbeat in the store
// (rollup_writers), and every replica, at startup and then periodically,
// replays the entries of writers whose heartbeat is stale (see Repair).
//
// Left open: a writer cut off from the store for longer than the stale
// delay while the other replicas still reach it has its entries replayed,
// and counts them again if it comes back with them still pending.

// writerBeat is one writer's heartbeat.
type writerBeat struct {
	ID   string    `bson:"_id"`
	Beat time.Time `bson:"beat"`
}

// ShareStore makes Run keep this writer's heartbeat every beatEvery and
// replay, as often, the journal of writers silent for staleAfter.
func (c *Committer) ShareStore(beatEvery, staleAfter time.Duration) {
	c.beatEvery, c.staleAfter = beatEvery, staleAfter
}

// Beat records that this writer is alive.
func (c *Committer) Beat(ctx context.Context) error {
	_, err := c.writers.UpdateOne(ctx, bson.D{{Key: "_id", Value: c.writer}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "beat", Value: time.Now().UTC()}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return derrors.Store(err, "writer heartbeat")
	}
	return nil
}

// beats returns the last heartbeat of every writer that has one.
func (c *Committer) beats(ctx context.Context) (map[string]time.Time, error) {
	cur, err := c.writers.Find(ctx, bson.D{})
	if err != nil {
		return nil, derrors.Store(err, "read writer heartbeats")
	}
	var all []writerBeat
	if err := cur.All(ctx, &all); err != nil {
		return nil, derrors.Store(err, "read writer heartbeats")
	}
	out := make(map[string]time.Time, len(all))
	for _, b := range all {
		out[b.ID] = b.Beat
	}
	return out, nil
}

// forgetStale drops the heartbeats of writers silent for staleAfter, once
// their entries are replayed, so the collection does not grow with every
// restart.
func (c *Committer) forgetStale(ctx context.Context, staleAfter time.Duration) error {
	_, err := c.writers.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: c.writer}}},
		{Key: "beat", Value: bson.D{{Key: "$lt", Value: time.Now().UTC().Add(-staleAfter)}}}})
	if err != nil {
		return derrors.Store(err, "forget stale writers")
	}
	return nil
}

// watch beats and repairs until ctx is done; the returned wait blocks
// until it has stopped. A failure is logged and retried next time.
func (c *Committer) watch(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	if c.beatEvery <= 0 {
		return wg.Wait
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(c.beatEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if err := c.Beat(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				c.log.Warn("rollup writer heartbeat", "err", err)
				continue
			}
			if n, err := c.Repair(ctx, c.staleAfter); err != nil {
				if ctx.Err() != nil {
					return // stopping
				}
				c.log.Warn("repair rollups of a stopped replica", "err", err)
			} else if n > 0 {
				c.log.Warn("rollups repaired for a stopped replica", "batches", n)
			}
		}
	}()
	return wg.Wait
}
