package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"
)

// Comments keeps the newest comments of each unit in Redis, so the
// dashboard shows them without scanning responses (which stay the source
// of truth: exports read comments from there). Hidden comments are a set.
type Comments struct {
	rdb *redis.Client
}

// Comment is one citizen's comment as officials see it.
type Comment struct {
	ID     string    `json:"id"` // response id
	Unit   string    `json:"unit"`
	Desk   string    `json:"desk"`
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
	Hidden bool      `json:"hidden,omitempty"`
}

const (
	commentsKeep   = 100
	hiddenComments = "hl:comments:hidden"
)

func commentsKey(unit string) string { return "hl:comments:" + unit }

// NewComments returns the comment list over rdb (nil: a no-op).
func NewComments(rdb *redis.Client) *Comments { return &Comments{rdb: rdb} }

// Add records the comments of stored, counted responses.
func (c *Comments) Add(ctx context.Context, rs []*Response) error {
	if c == nil || c.rdb == nil {
		return nil
	}
	pipe := c.rdb.Pipeline()
	n := 0
	for _, r := range rs {
		if r.Comment == "" || r.Status != StatusOK {
			continue
		}
		b, err := json.Marshal(Comment{ID: r.ID.Hex(), Unit: r.Unit, Desk: r.Desk, At: r.SubmittedAt, Text: r.Comment})
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
	hidden, err := c.rdb.SMembers(ctx, hiddenComments).Result()
	if err != nil {
		return nil, fmt.Errorf("read hidden comments: %w", err)
	}
	isHidden := map[string]bool{}
	for _, h := range hidden {
		isHidden[h] = true
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

// Hide marks a comment hidden on every page.
func (c *Comments) Hide(ctx context.Context, id string) error {
	return c.rdb.SAdd(ctx, hiddenComments, id).Err()
}
