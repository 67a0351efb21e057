package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"hailong/survey/period"
	"sort"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// RecentFromList answers RecentComments from the Redis lists (each unit's
// newest 100) when they provably hold the answer; ok is false otherwise
// and the caller reads the archive, which the embedded store scans whole.
// The lists hold the answer when they give limit matches and every unit's
// list reaches back at least to the oldest of them: a comment missing
// from a list is older than all of its items, so it cannot rank. An empty
// list proves nothing (a restarted embedded Redis), nor does an item
// without a channel under a channel filter.
func (c *Comments) RecentFromList(ctx context.Context, f CommentFilter, units []string, limit int) (out []ArchivedComment, ok bool, err error) {
	if c == nil || c.rdb == nil || len(units) == 0 {
		return nil, false, nil
	}
	pipe := c.rdb.Pipeline()
	cmds := make([]*redis.StringSliceCmd, len(units))
	for i, u := range units {
		cmds[i] = pipe.LRange(ctx, commentsKey(u), 0, commentsKeep-1)
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, false, fmt.Errorf("read comment lists: %w", err)
	}
	end := period.DayOf(f.To).End()
	var oldest []Comment
	for _, cmd := range cmds {
		items := cmd.Val()
		if len(items) == 0 {
			return nil, false, nil
		}
		var first Comment
		for i, it := range items {
			var cm Comment
			if json.Unmarshal([]byte(it), &cm) != nil {
				return nil, false, nil
			}
			if i == 0 || cm.At.Before(first.At) {
				first = cm
			}
			switch {
			case cm.At.Before(f.From) || !cm.At.Before(end), f.Hidden[cm.ID],
				f.Desk != "" && cm.Desk != f.Desk:
				continue
			case f.Channel != "" && cm.Channel == "":
				return nil, false, nil
			case f.Channel != "" && cm.Channel != f.Channel:
				continue
			}
			id, err := bson.ObjectIDFromHex(cm.ID)
			if err != nil {
				return nil, false, nil
			}
			out = append(out, ArchivedComment{ID: id, Unit: cm.Unit, Desk: cm.Desk, At: cm.At, Text: cm.Text, Channel: cm.Channel})
		}
		oldest = append(oldest, first)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if len(out) < limit {
		return nil, false, nil
	}
	out = out[:limit]
	for _, o := range oldest {
		if o.At.After(out[limit-1].At) {
			return nil, false, nil
		}
	}
	return out, true, nil
}
