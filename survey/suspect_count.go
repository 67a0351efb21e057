package survey

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Suspect answers are counted per desk and hour in Redis (hl:suspects:
// {desk}:{YYYYMMDDHH UTC}, kept 26 hours) for the dashboard's "suspect
// burst" alert: the responses collection has no index the embedded store
// can use for "the last 24 hours", and a scan of it takes seconds. The
// counters are written with the comment list, off the citizens' path; an
// embedded Redis loses them at a restart, which only delays an alert.

const suspectKeep = 26 * time.Hour

func suspectKey(desk string, hour time.Time) string {
	return "hl:suspects:" + desk + ":" + hour.UTC().Format("2006010215")
}

func countSuspect(ctx context.Context, pipe redis.Pipeliner, r *Response) {
	k := suspectKey(r.Desk, r.SubmittedAt)
	pipe.Incr(ctx, k)
	pipe.Expire(ctx, k, suspectKeep)
}

// SuspectCounts returns, per desk, the suspect answers of the 24 hours up
// to now (the current hour and the 23 before it).
func (c *Comments) SuspectCounts(ctx context.Context, desks []string, now time.Time) (map[string]int, error) {
	out := map[string]int{}
	if c == nil || c.rdb == nil || len(desks) == 0 {
		return out, nil
	}
	hour := now.UTC().Truncate(time.Hour)
	keys := make([]string, 0, len(desks)*24)
	for _, d := range desks {
		for i := 0; i < 24; i++ {
			keys = append(keys, suspectKey(d, hour.Add(-time.Duration(i)*time.Hour)))
		}
	}
	vals, err := c.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("read suspect counts: %w", err)
	}
	for i, v := range vals {
		s, _ := v.(string) // nil: no suspect answer that hour
		if n, _ := strconv.Atoi(s); n > 0 {
			out[desks[i/24]] += n
		}
	}
	return out, nil
}
