package dashboard

import (
	"context"

	"hailong/survey"
	"hailong/web"
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
func (h *Handler) recentComments(ctx context.Context, q survey.Query, unitName, deskName map[string]string) ([]commentRow, error) {
	hidden, err := h.comments.HiddenIDs(ctx)
	if err != nil {
		return nil, err
	}
	docs, err := h.store.RecentComments(ctx, survey.CommentFilter{From: q.From, To: q.To, Units: q.Units, Desk: q.Desk, Channel: q.Channel, Hidden: hidden}, 10)
	if err != nil {
		return nil, err
	}
	out := make([]commentRow, 0, len(docs))
	for _, d := range docs {
		r := commentRow{ID: d.ID.Hex(), Text: d.Text, When: d.At.In(web.Vietnam).Format("02/01/2006 15:04"), Unit: unitName[d.Unit], Desk: deskName[d.Desk]}
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
