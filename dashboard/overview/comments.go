package overview

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// commentRow is a comment as the overview lists it.
type commentRow struct {
	ID   string
	Text string
	When string // dd/mm/yyyy HH:MM, Vietnam time
	Unit string // names, not ids
	Desk string
}

// recentComments reads the overview's newest comments from the monthly
// comment archives in MongoDB (not the Redis list, which an embedded
// Redis loses at every restart), with the page's period, unit, desk and
// channel filters, without hidden ones.
func (h *Handler) recentComments(ctx context.Context, q rollup.Query, names places) ([]commentRow, error) {
	hidden, err := h.comments.HiddenIDs(ctx)
	if err != nil {
		return nil, err
	}
	f := survey.CommentFilter{From: q.From, To: q.To, Units: q.Units, Desk: q.Desk, Channel: q.Channel, Hidden: hidden}
	// The embedded store scans a whole month's archive for every read, so
	// the answer is kept until the next flush (any replica's) or hide.
	key := fmt.Sprintf("%d|%d|%s|%s|%s|%s|%s", h.live.Gen(), len(hidden), q.From.Format(time.DateOnly), q.To.Format(time.DateOnly), q.Desk, q.Channel, unitKey(q.Units))
	docs, ok := h.commentReads.get(key)
	if !ok || h.live == nil {
		// The Redis lists first: one read, where the archive is a scan.
		// Only units with desks can receive answers.
		seen := map[string]bool{}
		var units []string
		for _, id := range names.deskUnit {
			if !seen[id] && (q.Units == nil || q.Units[id]) {
				seen[id] = true
				units = append(units, id)
			}
		}
		docs, ok, err = h.comments.RecentFromList(ctx, f, units, 10)
		if err != nil {
			h.log.Warn("read comment lists", "err", err)
		}
		if !ok {
			if docs, err = h.store.RecentComments(ctx, f, 10); err != nil {
				return nil, err
			}
		}
		h.commentReads.put(key, docs)
	}
	out := make([]commentRow, 0, len(docs))
	for _, d := range docs {
		r := commentRow{ID: d.ID.Hex(), Text: d.Text, When: d.At.In(period.Vietnam).Format("02/01/2006 15:04"), Unit: names.unit[d.Unit], Desk: names.desk[d.Desk]}
		if r.Unit == "" {
			r.Unit = d.Unit
		}
		if r.Desk == "" {
			r.Desk = d.Desk
		}
		if r.Desk == "" { // portal answers without a desk: the unit
			r.Desk = r.Unit
		}
		out = append(out, r)
	}
	return out, nil
}

// commentCache holds recent comment reads by filter and flush generation.
type commentCache struct {
	mu sync.Mutex
	m  map[string][]survey.ArchivedComment
}

func (c *commentCache) get(k string) ([]survey.ArchivedComment, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *commentCache) put(k string, v []survey.ArchivedComment) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 512 { // old generations are never read again
		c.m = map[string][]survey.ArchivedComment{}
	}
	c.m[k] = v
}

func unitKey(units map[string]bool) string {
	if units == nil {
		return "*"
	}
	ids := make([]string, 0, len(units))
	for id := range units {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}
