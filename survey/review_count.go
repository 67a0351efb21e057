package survey

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// SuspectCounts counts the suspect answers of each desk submitted in
// [from, to), for units (nil: all). It reads only the desk and unit of
// each, for the dashboard's "suspect burst" alert.
func (s *Store) SuspectCounts(ctx context.Context, from, to time.Time, units map[string]bool) (map[string]int, error) {
	filter := bson.D{{Key: "submitted_at", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}},
		{Key: "status", Value: StatusSuspect}}
	cur, err := s.responses.Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "desk", Value: 1}, {Key: "unit", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("count suspects: %w", err)
	}
	defer cur.Close(ctx)
	out := map[string]int{}
	for cur.Next(ctx) {
		var r struct {
			Desk string `bson:"desk"`
			Unit string `bson:"unit"`
		}
		if err := cur.Decode(&r); err != nil {
			return nil, fmt.Errorf("count suspects: %w", err)
		}
		if units == nil || units[r.Unit] {
			out[r.Desk]++
		}
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("count suspects: %w", err)
	}
	return out, nil
}
