package rollup

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/internal/derrors"
	"hailong/survey"
)

// pending is what the apply loop holds between two flushes: the merged
// increments of committed batches and what the flush must do with them.
type pending struct {
	d        deltas
	journals []string // entries to clear once d is in the rollups
	seq      int64    // the last entry's, recorded on every document
	unsure   []bson.ObjectID
	// Comments are archived with the flush, in one insert a second rather
	// than one per batch: each write holds the store's write lock, and the
	// citizens' inserts wait behind it.
	comments []*survey.Response
}

// applyLoop merges committed batches and flushes them at least every
// flushEvery, and once more when the committer stops.
func (c *Committer) applyLoop() {
	t := time.NewTicker(c.flushEvery)
	defer t.Stop()
	p := &pending{d: deltas{}}
	for {
		select {
		case b, ok := <-c.applyCh:
			if !ok {
				c.flush(p)
				return
			}
			p.d.merge(b.deltas)
			if len(b.comments) > 0 {
				c.listComments(context.Background(), b.comments)
				p.comments = append(p.comments, b.comments...)
			}
			p.journals = append(p.journals, b.journalID)
			p.unsure = append(p.unsure, b.unsure...)
			p.seq = b.seq
		case <-t.C:
			c.flush(p)
		}
	}
}

// flush writes what is pending: comments to the archive, increments to
// the rollups, then clears the journal. On a failure everything is kept:
// retried next tick, or replayed by Repair after a restart.
func (c *Committer) flush(p *pending) {
	if len(p.journals) == 0 || c.applyPaused.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if len(p.unsure) > 0 && !c.countUnsure(ctx, p) {
		return
	}
	if len(p.comments) > 0 {
		if err := c.store.ArchiveComments(ctx, p.comments); err != nil {
			c.log.Error("archive comments", "err", err)
			return
		}
		p.comments = nil
	}
	if err := c.rollups.apply(ctx, p.d, c.writer, p.seq); err != nil {
		c.log.Error("flush rollups", "err", err)
		return
	}
	if _, err := c.journal.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: p.journals}}}}); err != nil {
		c.log.Warn("clear rollup journal", "err", err)
	}
	p.d, p.journals = deltas{}, nil
}

// countUnsure counts the responses of unanswered inserts that the store
// kept (a 503, then the citizen's retry meets derrors.ErrDuplicate: counted
// here, once). It reports false, keeping them, while the store does not
// answer: the flush then waits, with the journal kept.
func (c *Committer) countUnsure(ctx context.Context, p *pending) bool {
	found, err := c.stored(ctx, p.unsure)
	if err != nil {
		c.log.Error("look up responses of an unanswered insert", "err", err)
		return false
	}
	for _, r := range found {
		p.d.addResponse(r)
	}
	if len(found) > 0 {
		c.listComments(ctx, found)
		p.comments = append(p.comments, found...)
	}
	p.unsure = nil
	return true
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
			return nil, derrors.Store(err, "read response "+id.Hex())
		}
		found = append(found, &r)
	}
	return found, nil
}
