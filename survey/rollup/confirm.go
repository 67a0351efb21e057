package rollup

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/derrors"
	"hailong/survey"
)

// Review records an official's decision on the stored suspect response r.
// A rejection is only recorded. A confirmation goes through the writer
// like a new answer: a journal entry, the review, then r's increments as
// if its status were ok, so a crash at any point neither loses nor doubles
// them (see Repair). derrors.ErrDuplicate: r was already reviewed.
func (c *Committer) Review(ctx context.Context, r *survey.Response, rv *survey.Review) error {
	rv.ResponseID = r.ID
	if rv.Decision != survey.DecisionConfirm {
		return c.store.InsertReview(ctx, rv)
	}
	return c.enqueue(ctx, &submission{r: r, review: rv, done: make(chan error, 1)})
}

// confirm writes a confirmation: a journal entry naming the response, the
// review naming the entry, then the response's increments as if ok. If the
// review cannot be stored (another official reviewed it first), the entry
// is removed; should that fail, Repair finds no review naming the entry and
// counts nothing.
func (c *Committer) confirm(ctx context.Context, s *submission) {
	entry := c.nextEntry(journalConfirm, []bson.ObjectID{s.r.ID})
	if !c.noRollups {
		if _, err := c.journal.InsertOne(ctx, entry); err != nil {
			s.done <- derrors.Store(err, "journal")
			return
		}
		s.review.Journal = entry.ID
	}
	if err := c.store.InsertReview(ctx, s.review); err != nil {
		if !c.noRollups {
			if _, derr := c.journal.DeleteOne(ctx, bson.D{{Key: "_id", Value: entry.ID}}); derr != nil {
				c.log.Warn("clear journal entry of a refused review", "err", derr)
			}
		}
		s.done <- err
		return
	}
	d := deltas{}
	d.addResponse(asConfirmed(s.r))
	s.done <- nil
	if !c.noRollups {
		c.applyCh <- batchDone{journalID: entry.ID, seq: entry.Seq, deltas: d, comments: []*survey.Response{asConfirmed(s.r)}}
	}
}

// asConfirmed is r counted as an official confirmed it.
func asConfirmed(r *survey.Response) *survey.Response {
	ok := *r
	ok.Status = survey.StatusOK
	return &ok
}
