package survey

import (
	"context"
	"fmt"
	"hailong/survey/period"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// CommentFilter selects the comments the dashboard lists.
type CommentFilter struct {
	// From and To are Vietnam dates, both included.
	From, To time.Time
	Units    map[string]bool // nil: all units
	Desk     string
	Channel  string
	// Hidden are response ids whose comments officials hid.
	Hidden map[string]bool
}

// RecentComments returns the newest visible comments matching f, newest
// first, at most limit. It reads the monthly archives (comments_YYYYMM)
// from the last month of the period backwards, so it needs no Redis and
// survives any restart.
func (s *Store) RecentComments(ctx context.Context, f CommentFilter, limit int) ([]ArchivedComment, error) {
	end := period.DayOf(f.To).End()
	filter := bson.D{{Key: "at", Value: bson.D{{Key: "$gte", Value: f.From.UTC()}, {Key: "$lt", Value: end.UTC()}}}}
	if f.Units != nil {
		ids := make([]string, 0, len(f.Units))
		for id := range f.Units {
			ids = append(ids, id)
		}
		filter = append(filter, bson.E{Key: "unit", Value: bson.D{{Key: "$in", Value: ids}}})
	}
	if f.Desk != "" {
		filter = append(filter, bson.E{Key: "desk", Value: f.Desk})
	}
	if f.Channel != "" {
		filter = append(filter, bson.E{Key: "channel", Value: f.Channel})
	}
	// Hidden comments are dropped after reading: ask for enough more.
	opts := options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(int64(limit + len(f.Hidden)))
	var out []ArchivedComment
	for m := period.MonthOf(f.To).Start; !m.Before(period.MonthOf(f.From).Start) && len(out) < limit; m = m.AddDate(0, -1, 0) {
		cur, err := commentArchive(s.db, m).Find(ctx, filter, opts)
		if err != nil {
			return nil, fmt.Errorf("read comments: %w", err)
		}
		var docs []ArchivedComment
		if err := cur.All(ctx, &docs); err != nil {
			return nil, fmt.Errorf("read comments: %w", err)
		}
		for _, d := range docs {
			if !f.Hidden[d.ID.Hex()] && len(out) < limit {
				out = append(out, d)
			}
		}
	}
	return out, nil
}
