package rollup

import (
	"context"
	"fmt"

	"hailong/internal/derrors"
	"hailong/survey"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ReindexStats reports what a reindex did.
type ReindexStats struct {
	Responses int64
	Documents int
}

// Reindex rebuilds every rollup document from the responses. It streams
// the responses (memory grows with periods × cells, never with the number
// of answers), then replaces the rollup collections and clears the journal,
// whose batches the rebuild has counted. Run it with the service stopped:
// answers arriving meanwhile would be counted twice or not at all.
// Suspect responses an official confirmed count as ok.
func (r *Rollups) Reindex(ctx context.Context, responses *mongo.Collection, journal *mongo.Collection, confirmed map[bson.ObjectID]bool) (ReindexStats, error) {
	var st ReindexStats
	// The monthly comment archives are rebuilt while streaming, in batches,
	// so memory does not grow with the number of comments.
	if err := r.store.DropCommentArchives(ctx); err != nil {
		return st, err
	}
	var batch []*survey.Response
	cur, err := responses.Find(ctx, bson.D{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return st, derrors.Store(err, "read responses")
	}
	defer cur.Close(ctx)
	all := deltas{}
	for cur.Next(ctx) {
		var resp survey.Response
		if err := cur.Decode(&resp); err != nil {
			return st, fmt.Errorf("decode response: %w", err)
		}
		if resp.Status == survey.StatusSuspect && confirmed[resp.ID] {
			resp.Status = survey.StatusOK
		}
		all.addResponse(&resp)
		st.Responses++
		if resp.Comment != "" && resp.Status == survey.StatusOK {
			batch = append(batch, &resp)
			if len(batch) == 1000 {
				if err := r.store.ArchiveComments(ctx, batch); err != nil {
					return st, err
				}
				batch = batch[:0]
			}
		}
	}
	if err := cur.Err(); err != nil {
		return st, derrors.Store(err, "read responses")
	}
	if err := r.store.ArchiveComments(ctx, batch); err != nil {
		return st, err
	}

	old, err := r.Collections(ctx)
	if err != nil {
		return st, err
	}
	for _, name := range old {
		if err := r.db.Collection(name).Drop(ctx); err != nil {
			return st, derrors.Store(err, "drop "+name)
		}
	}
	for t, cells := range all {
		doc := RollupDoc{ID: t.ID, Cells: make(map[string]Cell, len(cells))}
		for k, c := range cells {
			doc.Cells[k] = *c
		}
		if _, err := r.db.Collection(t.Coll).InsertOne(ctx, &doc); err != nil {
			return st, derrors.Store(err, "write rollup "+t.Coll+"/"+t.ID)
		}
		st.Documents++
	}
	if _, err := journal.DeleteMany(ctx, bson.D{}); err != nil {
		return st, derrors.Store(err, "clear rollup journal")
	}
	r.forget()
	return st, nil
}

// Reindex rebuilds the rollups from the responses (see Rollups.Reindex),
// counting confirmed suspects as ok. The committer must not be running.
func (c *Committer) Reindex(ctx context.Context) (ReindexStats, error) {
	reviews, err := c.store.Reviews(ctx)
	if err != nil {
		return ReindexStats{}, err
	}
	confirmed := map[bson.ObjectID]bool{}
	for id, rv := range reviews {
		if rv.Decision == survey.DecisionConfirm {
			confirmed[id] = true
		}
	}
	return c.rollups.Reindex(ctx, c.responses, c.journal, confirmed)
}
