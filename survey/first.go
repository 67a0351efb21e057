package survey

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// FirstResponseAt is when the oldest stored response was submitted; false
// when there is none yet. Automatic closing starts there, so a fresh
// install never freezes empty months.
func (s *Store) FirstResponseAt(ctx context.Context) (time.Time, bool, error) {
	var r struct {
		At time.Time `bson:"submitted_at"`
	}
	opts := options.FindOne().SetSort(bson.D{{Key: "submitted_at", Value: 1}}).SetProjection(bson.D{{Key: "submitted_at", Value: 1}})
	err := s.responses.FindOne(ctx, bson.D{}, opts).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("first response: %w", err)
	}
	return r.At, true, nil
}
