package survey

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// EachResponse streams the responses submitted in [from, to) to fn, in
// batches of 1,000 from one cursor: memory stays constant whatever the
// number of answers. A nil units reads every unit.
func (s *Store) EachResponse(ctx context.Context, from, to time.Time, units map[string]bool, fn func(*Response) error) error {
	return s.eachResponse(ctx, from, to, units, nil, nil, fn)
}

func (s *Store) eachResponse(ctx context.Context, from, to time.Time, units map[string]bool, extra, proj bson.D, fn func(*Response) error) error {
	filter := bson.D{{Key: "submitted_at", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}}
	filter = append(filter, extra...)
	opts := options.Find().SetBatchSize(1000)
	if proj != nil {
		opts.SetProjection(proj)
	}
	cur, err := s.responses.Find(ctx, filter, opts)
	if err != nil {
		return fmt.Errorf("read responses: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var r Response
		if err := cur.Decode(&r); err != nil {
			return fmt.Errorf("decode response: %w", err)
		}
		if units != nil && !units[r.Unit] {
			continue
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("read responses: %w", err)
	}
	return nil
}
