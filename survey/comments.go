package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Comments keeps the newest comments of each unit in Redis, so the
// dashboard shows them without scanning responses (which stay the source
// of truth: exports read comments from there). Which comments officials
// hid is kept in MongoDB (collection hidden_comments, one small document
// each): a decision must outlive a Redis restart.
type Comments struct {
	rdb    *redis.Client
	hidden *mongo.Collection
}

// Comment is one citizen's comment as officials see it.
type Comment struct {
	ID     string    `json:"id"` // response id
	Unit   string    `json:"unit"`
	Desk   string    `json:"desk"`
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
	Hidden bool      `json:"hidden,omitempty"`
	// Channel is empty in items listed before it was kept.
	Channel string `json:"channel,omitempty"`
}

const commentsKeep = 100

func commentsKey(unit string) string { return "hl:comments:" + unit }

// NewComments returns the comment list over rdb (nil: a no-op) with the
// hidden decisions in db.
func NewComments(rdb *redis.Client, db *mongo.Database) *Comments {
	return &Comments{rdb: rdb, hidden: db.Collection("hidden_comments")}
}

// Add records the comments of stored, counted responses, and counts the
// suspect ones per desk and hour (suspect_count.go).
func (c *Comments) Add(ctx context.Context, rs []*Response) error {
	if c == nil || c.rdb == nil {
		return nil
	}
	pipe := c.rdb.Pipeline()
	n := 0
	for _, r := range rs {
		if r.Status == StatusSuspect {
			countSuspect(ctx, pipe, r)
			n++
			continue
		}
		if r.Comment == "" || r.Status != StatusOK {
			continue
		}
		b, err := json.Marshal(Comment{ID: r.ID.Hex(), Unit: r.Unit, Desk: r.Desk, At: r.SubmittedAt, Text: r.Comment, Channel: r.Channel})
		if err != nil {
			return err
		}
		pipe.LPush(ctx, commentsKey(r.Unit), b)
		pipe.LTrim(ctx, commentsKey(r.Unit), 0, commentsKeep-1)
		n++
	}
	if n == 0 {
		return nil
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Recent returns the newest comments of units, newest first.
func (c *Comments) Recent(ctx context.Context, units []string, limit int, withHidden bool) ([]Comment, error) {
	isHidden, err := c.HiddenIDs(ctx)
	if err != nil {
		return nil, err
	}
	var out []Comment
	for _, u := range units {
		items, err := c.rdb.LRange(ctx, commentsKey(u), 0, int64(limit)-1).Result()
		if err != nil {
			return nil, fmt.Errorf("read comments: %w", err)
		}
		for _, it := range items {
			var cm Comment
			if json.Unmarshal([]byte(it), &cm) != nil {
				continue
			}
			cm.Hidden = isHidden[cm.ID]
			if cm.Hidden && !withHidden {
				continue
			}
			out = append(out, cm)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Hide marks a comment hidden on every page and in exports.
func (c *Comments) Hide(ctx context.Context, id, user, reason string, now time.Time) error {
	_, err := c.hidden.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "user", Value: user},
		{Key: "reason", Value: reason}, {Key: "at", Value: now.UTC()}})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("hide comment: %w", err)
	}
	return nil
}

// HiddenIDs returns the response ids whose comments are hidden.
func (c *Comments) HiddenIDs(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	if c == nil || c.hidden == nil {
		return out, nil
	}
	cur, err := c.hidden.Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("read hidden comments: %w", err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("read hidden comments: %w", err)
	}
	for _, d := range docs {
		out[d.ID] = true
	}
	return out, nil
}
