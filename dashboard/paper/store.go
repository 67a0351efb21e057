package paper

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/derrors"
)

// Store keeps printed forms and what was keyed from them. Every document
// is inserted once and never updated (updates scan a whole collection on
// the embedded store); state is read from which documents exist, all by
// _id:
//
//   - paper_batches: one per printed batch;
//   - paper_serials: one per printed form (_id = serial), the register
//     of what was printed (keying resolves a serial through its batch,
//     see Serial);
//   - paper_entries: every keying, _id = serial + "/1", "/2" (double
//     keying), "/s" (a supervisor's resolution) or "/x-…" (a keying that
//     lost a race, kept for the record); nothing keyed is lost;
//   - paper_done: _id = serial once its response is stored;
//   - paper_held: _id = serial while two keyings disagree — the
//     supervisor's work list, removed once resolved.
type Store struct {
	batches, serials, entries, done, held *mongo.Collection
}

// NewStore returns the paper store over db.
func NewStore(db *mongo.Database) *Store {
	return &Store{batches: db.Collection("paper_batches"), serials: db.Collection("paper_serials"),
		entries: db.Collection("paper_entries"), done: db.Collection("paper_done"), held: db.Collection("paper_held")}
}

// Batch is one printing of forms.
type Batch struct {
	ID         string    `bson:"_id" json:"id"`
	Unit       string    `bson:"unit" json:"unit"`
	Desk       string    `bson:"desk,omitempty" json:"desk,omitempty"`
	Instrument string    `bson:"instrument" json:"instrument"` // code@version, as printed
	Count      int       `bson:"count" json:"count"`
	Double     bool      `bson:"double" json:"double"`
	CreatedBy  string    `bson:"created_by" json:"created_by"`
	CreatedAt  time.Time `bson:"created_at" json:"created_at"`
}

// Serial returns the serial of form n (1-based).
func (b *Batch) Serial(n int) string { return makeSerial(b.ID, n) }

// Serial is one printed form. The register (paper_serials) records
// every serial printed, for the record; keying derives a serial from its
// batch instead (Serial), because a find among many string _ids is slow on
// the embedded store.
type Serial struct {
	ID         string `bson:"_id"`
	Batch      string `bson:"batch"`
	N          int    `bson:"n"`
	Unit       string `bson:"unit"`
	Desk       string `bson:"desk,omitempty"`
	Instrument string `bson:"instrument"`
	Double     bool   `bson:"double"`
}

// Keying rounds.
const (
	roundFirst    = "1"
	roundSecond   = "2"
	roundResolved = "s"
	// roundExtra prefixes a keying that lost a race, kept for the record.
	roundExtra = "x-"
)

// Entry is one keying of a form, kept for good.
type Entry struct {
	ID       string              `bson:"_id"`
	Serial   string              `bson:"serial"`
	Round    string              `bson:"round"`
	Operator string              `bson:"operator"`
	Scores   map[string]int      `bson:"scores"`
	Choices  map[string][]string `bson:"choices,omitempty"`
	Comment  string              `bson:"comment,omitempty"`
	At       time.Time           `bson:"at"`
}

// Done records that a form's response is stored.
type Done struct {
	Serial   string        `bson:"_id"`
	Response bson.ObjectID `bson:"response"`
	At       time.Time     `bson:"at"`
}

// Held is a form whose two keyings disagree.
type Held struct {
	Serial string    `bson:"_id"`
	Unit   string    `bson:"unit"`
	Batch  string    `bson:"batch"`
	Diffs  int       `bson:"diffs"`
	At     time.Time `bson:"at"`
}

// InsertBatch stores a batch and registers its serials. derrors.ErrDuplicate: the
// batch code is taken (pick another).
func (p *Store) InsertBatch(ctx context.Context, b *Batch) error {
	if err := insertOne(ctx, p.batches, b); err != nil {
		return err
	}
	docs := make([]any, b.Count)
	for i := range docs {
		docs[i] = Serial{ID: b.Serial(i + 1), Batch: b.ID, N: i + 1, Unit: b.Unit, Desk: b.Desk, Instrument: b.Instrument, Double: b.Double}
	}
	if _, err := p.serials.InsertMany(ctx, docs); err != nil {
		// Without its serials the batch must not be listed as printable.
		_, _ = p.batches.DeleteOne(ctx, bson.D{{Key: "_id", Value: b.ID}})
		return derrors.Store(err, "register serials")
	}
	return nil
}

// Batches returns every batch, newest first.
func (p *Store) Batches(ctx context.Context) ([]Batch, error) {
	cur, err := p.batches.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
	if err != nil {
		return nil, derrors.Store(err, "list batches")
	}
	var out []Batch
	if err := cur.All(ctx, &out); err != nil {
		return nil, derrors.Store(err, "list batches")
	}
	return out, nil
}

// Batch returns one batch, or derrors.ErrNotFound.
func (p *Store) Batch(ctx context.Context, id string) (*Batch, error) {
	var b Batch
	if err := findByID(ctx, p.batches, id, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// Serial returns a registered form (a canonical serial), or
// derrors.ErrNotFound. It reads the form's batch, not its paper_serials
// document: the embedded store scans a collection even for an _id, and
// with 20,000 serials registered one read took 65–600 ms against under
// 1 ms for the batch. The batch decides the same thing: a serial is
// registered when its batch exists and its number is within the count.
func (p *Store) Serial(ctx context.Context, serial string) (*Serial, error) {
	if len(serial) != batchCodeLen+serialNumLen+3 {
		return nil, derrors.ErrNotFound
	}
	n, err := strconv.Atoi(serial[batchCodeLen+1 : batchCodeLen+1+serialNumLen])
	if err != nil {
		return nil, derrors.ErrNotFound
	}
	b, err := p.Batch(ctx, serialBatch(serial))
	if err != nil {
		return nil, err
	}
	if n < 1 || n > b.Count || b.Serial(n) != serial {
		return nil, derrors.ErrNotFound
	}
	return &Serial{ID: serial, Batch: b.ID, N: n, Unit: b.Unit, Desk: b.Desk, Instrument: b.Instrument, Double: b.Double}, nil
}

// Entry returns one keying of serial, or derrors.ErrNotFound.
func (p *Store) Entry(ctx context.Context, serial, round string) (*Entry, error) {
	var e Entry
	if err := findByID(ctx, p.entries, serial+"/"+round, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// InsertEntry stores a keying; derrors.ErrDuplicate if that round of the
// serial was keyed already (by someone quicker).
func (p *Store) InsertEntry(ctx context.Context, e *Entry) error {
	e.ID = e.Serial + "/" + e.Round
	return insertOne(ctx, p.entries, e)
}

// Done returns the record of a stored form, or derrors.ErrNotFound.
func (p *Store) Done(ctx context.Context, serial string) (*Done, error) {
	var d Done
	if err := findByID(ctx, p.done, serial, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// MarkDone records a stored form; a second record of it changes nothing.
func (p *Store) MarkDone(ctx context.Context, d *Done) error {
	if err := insertOne(ctx, p.done, d); err != nil && !errors.Is(err, derrors.ErrDuplicate) {
		return err
	}
	return nil
}

// Hold puts a form on the supervisor's list; added is false when it was
// there already.
func (p *Store) Hold(ctx context.Context, h *Held) (added bool, err error) {
	err = insertOne(ctx, p.held, h)
	if errors.Is(err, derrors.ErrDuplicate) {
		return false, nil
	}
	return err == nil, err
}

// Release takes a resolved form off the supervisor's list.
func (p *Store) Release(ctx context.Context, serial string) error {
	if _, err := p.held.DeleteOne(ctx, bson.D{{Key: "_id", Value: serial}}); err != nil {
		return derrors.Store(err, "release held form")
	}
	return nil
}

// Held lists the forms waiting for a supervisor, oldest first.
func (p *Store) Held(ctx context.Context) ([]Held, error) {
	cur, err := p.held.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "at", Value: 1}}))
	if err != nil {
		return nil, derrors.Store(err, "list held forms")
	}
	var out []Held
	if err := cur.All(ctx, &out); err != nil {
		return nil, derrors.Store(err, "list held forms")
	}
	return out, nil
}

// insertOne stores doc in c: derrors.ErrDuplicate when its _id is taken.
func insertOne(ctx context.Context, c *mongo.Collection, doc any) error {
	_, err := c.InsertOne(ctx, doc)
	return derrors.Store(err, "insert into "+c.Name())
}

// findByID reads the document of c with _id id into out:
// derrors.ErrNotFound when there is none.
func findByID(ctx context.Context, c *mongo.Collection, id string, out any) error {
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(out)
	return derrors.Store(err, "read "+c.Name())
}
