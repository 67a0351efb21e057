package survey

import (
	"context"
	"fmt"
	"hailong/internal/derrors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Review decisions on a suspect response.
const (
	DecisionConfirm = "confirm" // a real citizen's answer: it joins the indicators
	DecisionReject  = "reject"  // it stays out
)

// Review is an official's decision on a suspect response. Responses are
// append-only (and embedded FerretDB scans a whole collection on every
// update), so the decision lives beside the response, in the small
// "reviews" collection, keyed by the response id: one review per response.
type Review struct {
	ResponseID bson.ObjectID `bson:"_id" json:"response"`
	Decision   string        `bson:"decision" json:"decision"`
	User       string        `bson:"user" json:"user"`
	Note       string        `bson:"note,omitempty" json:"note,omitempty"`
	At         time.Time     `bson:"at" json:"at"`
	// Journal names the rollup journal entry that counts a confirmed
	// response: crash repair counts it through that entry only, so two
	// officials confirming at once on two replicas never count it twice.
	Journal string `bson:"journal,omitempty" json:"-"`
}

func reviewsOf(db *mongo.Database) *mongo.Collection { return db.Collection("reviews") }

// InsertReview stores rv; derrors.ErrDuplicate when the response has a review.
func (s *Store) InsertReview(ctx context.Context, rv *Review) error {
	_, err := reviewsOf(s.db).InsertOne(ctx, rv)
	return derrors.Store(err, "insert review")
}

// Reviews returns every review by response id: a small collection (one
// document per suspect an official looked at).
func (s *Store) Reviews(ctx context.Context) (map[bson.ObjectID]Review, error) {
	cur, err := reviewsOf(s.db).Find(ctx, bson.D{})
	if err != nil {
		return nil, derrors.Store(err, "read reviews")
	}
	var all []Review
	if err := cur.All(ctx, &all); err != nil {
		return nil, derrors.Store(err, "read reviews")
	}
	out := make(map[bson.ObjectID]Review, len(all))
	for _, rv := range all {
		out[rv.ResponseID] = rv
	}
	return out, nil
}

// Response returns one stored response.
func (s *Store) Response(ctx context.Context, id bson.ObjectID) (*Response, error) {
	return s.findResponse(ctx, bson.D{{Key: "_id", Value: id}})
}

// Suspects returns the suspect responses submitted in [from, to) in the
// units (nil: all), oldest first. It scans the period's responses: a rare
// official action, never on a citizen's path. Status is filtered here
// rather than in the query, keeping to the filters embedded FerretDB runs
// the same as MongoDB.
func (s *Store) Suspects(ctx context.Context, from, to time.Time, units map[string]bool) ([]Response, error) {
	filter := bson.D{
		{Key: "submitted_at", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}},
		{Key: "status", Value: StatusSuspect},
	}
	cur, err := s.responses.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "submitted_at", Value: 1}}).SetBatchSize(1000))
	if err != nil {
		return nil, fmt.Errorf("read responses: %w", err)
	}
	defer cur.Close(ctx)
	out := []Response{}
	for cur.Next(ctx) {
		var r Response
		if err := cur.Decode(&r); err != nil {
			return nil, fmt.Errorf("decode response: %w", err)
		}
		if r.Status == StatusSuspect && (units == nil || units[r.Unit]) {
			out = append(out, r)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("read responses: %w", err)
	}
	return out, nil
}
