package survey

import (
	"context"
	"errors"
	"fmt"
	"hailong/internal/cache"
	"hailong/internal/derrors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Store keeps units, desks and responses in MongoDB. It uses only the
// subset of MongoDB that embedded FerretDB runs correctly: single-document
// reads and inserts, unique indexes, no pipelines, no transactions.
type Store struct {
	unitsCache  *cache.Value[[]Unit]
	deskCache   *cache.TTL[deskAndUnit]
	portalCache *cache.TTL[*portalUnit]

	db        *mongo.Database
	units     *mongo.Collection
	desks     *mongo.Collection
	responses *mongo.Collection
}

// NewStore returns a store over db.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		unitsCache:  cache.NewValue[[]Unit](5 * time.Second),
		deskCache:   cache.New[deskAndUnit](5 * time.Second),
		portalCache: cache.New[*portalUnit](5 * time.Second),
		db:          db,
		units:       db.Collection("units"),
		desks:       db.Collection("desks"),
		responses:   db.Collection("responses"),
	}
}

// EnsureIndexes creates the indexes the store relies on. The unique nonce
// index is what makes a double tap store one answer.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	return ensureIndexes(ctx, map[*mongo.Collection][]mongo.IndexModel{
		s.responses: {
			{Keys: bson.D{{Key: "nonce", Value: 1}}, Options: options.Index().SetUnique(true).SetName("nonce_unique")},
			{Keys: bson.D{{Key: "submitted_at", Value: 1}}, Options: options.Index().SetName("submitted_at")},
		},
		s.desks: {
			{Keys: bson.D{{Key: "unit", Value: 1}}, Options: options.Index().SetName("unit")},
		},
	})
}

// ensureIndexes creates the missing indexes one at a time. Embedded
// FerretDB drops the connection when createIndexes names several indexes
// that already exist, so existing names are skipped.
func ensureIndexes(ctx context.Context, want map[*mongo.Collection][]mongo.IndexModel) error {
	for c, models := range want {
		have := map[string]bool{}
		specs, err := c.Indexes().ListSpecifications(ctx)
		if err != nil {
			return fmt.Errorf("list indexes of %s: %w", c.Name(), err)
		}
		for _, sp := range specs {
			have[sp.Name] = true
		}
		for _, m := range models {
			var o options.IndexOptions
			for _, set := range m.Options.List() {
				_ = set(&o)
			}
			if o.Name != nil && have[*o.Name] {
				continue
			}
			if _, err := c.Indexes().CreateOne(ctx, m); err != nil {
				return fmt.Errorf("create index on %s: %w", c.Name(), err)
			}
		}
	}
	return nil
}

// InsertResponse stores r once. A second response with the same nonce
// returns derrors.ErrDuplicate and changes nothing.
func (s *Store) InsertResponse(ctx context.Context, r *Response) error {
	if r.ID.IsZero() {
		r.ID = bson.NewObjectID()
	}
	_, err := s.responses.InsertOne(ctx, r)
	if mongo.IsDuplicateKeyError(err) {
		return derrors.ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("insert response: %w", err)
	}
	return nil
}

// InsertResponses stores many responses at once (bulk loads only: it does
// not feed the rollups; run a reindex after).
func (s *Store) InsertResponses(ctx context.Context, rs []*Response) error {
	docs := make([]any, len(rs))
	for i, r := range rs {
		docs[i] = r
	}
	if _, err := s.responses.InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("insert responses: %w", err)
	}
	return nil
}

// claimStale is how old a dossier claim whose answer was never stored must
// be before another submission may take it over: far longer than any
// submission can still be committing.
const claimStale = 10 * time.Minute

// dossierClaim is a row of the dossiers collection.
type dossierClaim struct {
	Nonce string    `bson:"nonce"`
	At    time.Time `bson:"at"`
}

// ClaimDossier reserves a dossier for the submission with nonce. It
// returns derrors.ErrDuplicate when another submission holds it; the same nonce
// may claim again (a retry after a failed store), and so may any nonce
// once a claim is stale with no answer stored for it (the store failed
// and the release did too).
func (s *Store) ClaimDossier(ctx context.Context, dossier, nonce string, now time.Time) error {
	c := s.db.Collection("dossiers")
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: dossier}, {Key: "nonce", Value: nonce}, {Key: "at", Value: now.UTC()}})
	if err == nil {
		return nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("claim dossier: %w", err)
	}
	var held dossierClaim
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: dossier}}).Decode(&held); err != nil {
		return fmt.Errorf("read dossier claim: %w", err)
	}
	if held.Nonce == nonce {
		return nil
	}
	if live, err := s.claimLive(ctx, held, now); err != nil || live {
		if err == nil {
			err = derrors.ErrDuplicate
		}
		return err
	}
	res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: dossier}, {Key: "nonce", Value: held.Nonce}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "nonce", Value: nonce}, {Key: "at", Value: now.UTC()}}}})
	if err != nil {
		return fmt.Errorf("take over dossier claim: %w", err)
	}
	if res.MatchedCount == 0 {
		return derrors.ErrDuplicate // another submission took it over first
	}
	return nil
}

// claimLive reports whether a claim stands: its answer is stored, or it
// is recent enough that the answer may still be on its way.
func (s *Store) claimLive(ctx context.Context, held dossierClaim, now time.Time) (bool, error) {
	if now.Sub(held.At) < claimStale {
		return true, nil
	}
	_, err := s.ResponseByNonce(ctx, held.Nonce)
	if errors.Is(err, derrors.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// ReleaseDossier gives up nonce's claim on a dossier, after its answer
// could not be stored, so the citizen can answer again.
func (s *Store) ReleaseDossier(ctx context.Context, dossier, nonce string) error {
	if _, err := s.db.Collection("dossiers").DeleteOne(ctx, bson.D{{Key: "_id", Value: dossier}, {Key: "nonce", Value: nonce}}); err != nil {
		return fmt.Errorf("release dossier claim: %w", err)
	}
	return nil
}

// DossierAnswered reports whether a dossier is taken: claimed by an answer
// that is stored or may still be.
func (s *Store) DossierAnswered(ctx context.Context, dossier string, now time.Time) (bool, error) {
	var held dossierClaim
	err := s.db.Collection("dossiers").FindOne(ctx, bson.D{{Key: "_id", Value: dossier}}).Decode(&held)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read dossier claim: %w", err)
	}
	live, err := s.claimLive(ctx, held, now)
	if err != nil {
		return false, fmt.Errorf("read dossier claim: %w", err)
	}
	return live, nil
}

// ResponseByID returns one response by its hex id.
func (s *Store) ResponseByID(ctx context.Context, hexID string) (*Response, error) {
	id, err := bson.ObjectIDFromHex(hexID)
	if err != nil {
		return nil, derrors.ErrNotFound
	}
	return s.Response(ctx, id)
}

// ResponseByNonce returns the response stored for a form render.
func (s *Store) ResponseByNonce(ctx context.Context, nonce string) (*Response, error) {
	return s.findResponse(ctx, bson.D{{Key: "nonce", Value: nonce}})
}

func (s *Store) findResponse(ctx context.Context, filter bson.D) (*Response, error) {
	var r Response
	err := s.responses.FindOne(ctx, filter).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, derrors.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find response: %w", err)
	}
	return &r, nil
}

// Desk returns the desk with the given id.
func (s *Store) Desk(ctx context.Context, id string) (*Desk, error) {
	var d Desk
	if err := findOne(ctx, s.desks, id, &d); err != nil {
		return nil, fmt.Errorf("desk %q: %w", id, err)
	}
	return &d, nil
}

// Unit returns the unit with the given id.
func (s *Store) Unit(ctx context.Context, id string) (*Unit, error) {
	var u Unit
	if err := findOne(ctx, s.units, id, &u); err != nil {
		return nil, fmt.Errorf("unit %q: %w", id, err)
	}
	return &u, nil
}

// Units returns every unit, ordered by id.
func (s *Store) Units(ctx context.Context) ([]Unit, error) {
	var out []Unit
	if err := findAll(ctx, s.units, &out); err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	return out, nil
}

// UnitsRecent returns the units as read at most a few seconds ago: the
// tree is read on every officials' query and changes rarely.
func (s *Store) UnitsRecent(ctx context.Context) ([]Unit, error) {
	return s.unitsCache.Get(ctx, s.Units)
}

// Desks returns every desk, ordered by id.
func (s *Store) Desks(ctx context.Context) ([]Desk, error) {
	var out []Desk
	if err := findAll(ctx, s.desks, &out); err != nil {
		return nil, fmt.Errorf("list desks: %w", err)
	}
	return out, nil
}

// InsertUnit adds a unit; derrors.ErrDuplicate if its id exists.
func (s *Store) InsertUnit(ctx context.Context, u *Unit) error {
	if err := insert(ctx, s.units, u); err != nil {
		return err
	}
	s.unitsCache.Reset()
	return nil
}

// InsertDesk adds a desk; derrors.ErrDuplicate if its id exists.
func (s *Store) InsertDesk(ctx context.Context, d *Desk) error {
	if err := insert(ctx, s.desks, d); err != nil {
		return err
	}
	s.portalCache.Reset() // the unit's portal offers it at once
	return nil
}

func insert(ctx context.Context, c *mongo.Collection, doc any) error {
	_, err := c.InsertOne(ctx, doc)
	return derrors.Store(err, "insert into "+c.Name())
}

func findOne(ctx context.Context, c *mongo.Collection, id string, out any) error {
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(out)
	return derrors.Store(err, "read "+c.Name())
}

func findAll(ctx context.Context, c *mongo.Collection, out any) error {
	cur, err := c.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err == nil {
		err = cur.All(ctx, out)
	}
	return derrors.Store(err, "read "+c.Name())
}

// ReplaceUnit writes u over the unit with its id; derrors.ErrNotFound if none.
func (s *Store) ReplaceUnit(ctx context.Context, u *Unit) error {
	if err := replace(ctx, s.units, u.ID, u); err != nil {
		return err
	}
	s.unitsCache.Reset()
	s.deskCache.Reset()
	s.portalCache.Reset()
	return nil
}

// ReplaceDesk writes d over the desk with its id; derrors.ErrNotFound if none.
func (s *Store) ReplaceDesk(ctx context.Context, d *Desk) error {
	if err := replace(ctx, s.desks, d.ID, d); err != nil {
		return err
	}
	s.deskCache.Reset()
	s.portalCache.Reset()
	return nil
}

func replace(ctx context.Context, c *mongo.Collection, id string, doc any) error {
	res, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc)
	if err != nil {
		return derrors.Store(err, "replace in "+c.Name())
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("replace %s in %s: %w", id, c.Name(), derrors.ErrNotFound)
	}
	return nil
}
