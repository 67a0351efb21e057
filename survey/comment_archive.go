package survey

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hailong/internal/derrors"
	"hailong/survey/period"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The comments of counted answers are also kept in one small collection a
// month (comments_YYYYMM), so a monthly export reads that month's comments
// instead of scanning every response, which embedded FerretDB decodes one
// by one. Responses stay the source of truth: the archive is written with
// the rollups (same journal, same repair) and rebuilt by a reindex.

// ArchivedComment is one comment of a month.
type ArchivedComment struct {
	ID   bson.ObjectID `bson:"_id"`
	Unit string        `bson:"unit"`
	Desk string        `bson:"desk"`
	At   time.Time     `bson:"at"`
	Text string        `bson:"text"`
	// Channel is the answer's channel, for the dashboard's channel filter
	// (archives written before it was kept have none until a reindex).
	Channel string `bson:"channel,omitempty"`
}

const commentArchivePrefix = "comments_"

func commentArchive(db *mongo.Database, at time.Time) *mongo.Collection {
	return db.Collection(commentArchivePrefix + period.MonthOf(at).Start.Format("200601"))
}

// ArchiveComments stores the comments of counted responses; a comment
// already archived (a replayed batch) is left as it is.
func (s *Store) ArchiveComments(ctx context.Context, rs []*Response) error {
	byMonth := map[string][]any{}
	colls := map[string]*mongo.Collection{}
	for _, r := range rs {
		if r.Comment == "" || r.Status != StatusOK {
			continue
		}
		c := commentArchive(s.db, r.SubmittedAt)
		colls[c.Name()] = c
		byMonth[c.Name()] = append(byMonth[c.Name()], ArchivedComment{ID: r.ID, Unit: r.Unit, Desk: r.Desk, At: r.SubmittedAt, Text: r.Comment, Channel: r.Channel})
	}
	for name, docs := range byMonth {
		_, err := colls[name].InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
			for _, we := range bwe.WriteErrors {
				if !mongo.IsDuplicateKeyError(we) {
					return derrors.Store(we, "archive comments")
				}
			}
			continue
		}
		if err != nil {
			return derrors.Store(err, "archive comments")
		}
	}
	return nil
}

// MonthComments returns the archived comments of the month containing at,
// of units (nil: all), oldest first.
func (s *Store) MonthComments(ctx context.Context, at time.Time, units map[string]bool) ([]ArchivedComment, error) {
	cur, err := commentArchive(s.db, at).Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("read comments: %w", err)
	}
	var all []ArchivedComment
	if err := cur.All(ctx, &all); err != nil {
		return nil, fmt.Errorf("read comments: %w", err)
	}
	out := all[:0]
	for _, c := range all {
		if units == nil || units[c.Unit] {
			out = append(out, c)
		}
	}
	return out, nil
}

// DropCommentArchives removes every monthly archive (before a reindex).
func (s *Store) DropCommentArchives(ctx context.Context) error {
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return derrors.Store(err, "list collections")
	}
	for _, n := range names {
		if strings.HasPrefix(n, commentArchivePrefix) {
			if err := s.db.Collection(n).Drop(ctx); err != nil {
				return derrors.Store(err, "drop "+n)
			}
		}
	}
	return nil
}
