package rollup

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/derrors"
	"hailong/survey"
)

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

// Repair replays journal entries left by writers that stopped before
// flushing: for each entry in order, the responses it names that were
// stored are counted into every rollup document that does not already
// record the entry. A writer is taken as still running, and its entries
// left alone, while its heartbeat is younger than staleAfter or, for a
// writer without one (an older version), while the entry is younger than
// staleAfter. staleAfter is 0 when this process owns the store: every
// other writer has stopped.
func (c *Committer) Repair(ctx context.Context, staleAfter time.Duration) (int, error) {
	live, err := c.liveWriters(ctx, staleAfter)
	if err != nil {
		return 0, err
	}
	entries, err := c.journalEntries(ctx)
	if err != nil {
		return 0, err
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
		d, rs, err := c.entryCounts(ctx, e, reviews)
		if err != nil {
			return 0, err
		}
		byWriter[e.Writer] = append(byWriter[e.Writer], replayEntry{seq: e.Seq, d: d})
		counted = append(counted, rs...)
		replayed = append(replayed, e.ID)
	}
	if err := c.replay(ctx, byWriter, counted, replayed); err != nil {
		return 0, err
	}
	if staleAfter > 0 {
		if err := c.forgetStale(ctx, staleAfter); err != nil {
			return 0, err
		}
	}
	return len(replayed), nil
}

// liveWriters returns whether an entry's writer is taken as still running
// (see Repair).
func (c *Committer) liveWriters(ctx context.Context, staleAfter time.Duration) (func(journalEntry) bool, error) {
	var beats map[string]time.Time
	if staleAfter > 0 {
		var err error
		if beats, err = c.beats(ctx); err != nil {
			return nil, err
		}
	}
	return func(e journalEntry) bool {
		if e.Writer == c.writer {
			return true
		}
		if b, ok := beats[e.Writer]; ok {
			return time.Since(b) < staleAfter
		}
		return time.Since(e.At) < staleAfter
	}, nil
}

// journalEntries reads the journal, per writer in batch order.
func (c *Committer) journalEntries(ctx context.Context) ([]journalEntry, error) {
	cur, err := c.journal.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "writer", Value: 1}, {Key: "seq", Value: 1}}))
	if err != nil {
		return nil, derrors.Store(err, "read rollup journal")
	}
	var entries []journalEntry
	if err := cur.All(ctx, &entries); err != nil {
		return nil, derrors.Store(err, "read rollup journal")
	}
	return entries, nil
}

// entryCounts are the increments of one entry's stored responses, and the
// responses counted. Responses never stored (a duplicate, or the crash
// came first) are not found, so count nothing. A confirmation counts its
// response only through the entry its review names; a batch entry counts
// the response as it was stored (suspect: nothing), so nothing is counted
// twice.
func (c *Committer) entryCounts(ctx context.Context, e journalEntry, reviews map[bson.ObjectID]survey.Review) (deltas, []*survey.Response, error) {
	rs, err := c.stored(ctx, e.Responses)
	if err != nil {
		return nil, nil, err
	}
	d := deltas{}
	var counted []*survey.Response
	for _, r := range rs {
		if e.Kind == journalConfirm {
			rv, ok := reviews[r.ID]
			if !ok || rv.Decision != survey.DecisionConfirm || rv.Journal != e.ID {
				continue
			}
			r = asConfirmed(r)
		}
		d.addResponse(r)
		counted = append(counted, r)
	}
	return d, counted, nil
}

// replay applies the stopped writers' entries, archives the comments they
// counted (idempotent: archived comments are keyed by response id), then
// clears the entries.
func (c *Committer) replay(ctx context.Context, byWriter map[string][]replayEntry, counted []*survey.Response, replayed []string) error {
	for writer, es := range byWriter {
		if err := c.rollups.replay(ctx, writer, es); err != nil {
			return err
		}
	}
	if err := c.store.ArchiveComments(ctx, counted); err != nil {
		return err
	}
	if len(replayed) == 0 {
		return nil
	}
	if _, err := c.journal.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: replayed}}}}); err != nil {
		return derrors.Store(err, "clear journal entries")
	}
	return nil
}
