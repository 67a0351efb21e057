package rollup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"hailong/internal/derrors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// storeLock is a mutex shared by every process on one store: holding it
// means having inserted the document with its _id. Embedded FerretDB
// updates a document by read, modify, write with no lock, so two
// replicas' $inc on one rollup document lose increments; an insert with a
// taken _id fails atomically, which is the one primitive it does keep
// across processes. (Real MongoDB does not need it; it costs an insert and
// a delete per flush.)
type storeLock struct {
	coll  *mongo.Collection
	id    string
	owner string // this process
	// stale is how long a holder may keep the lock before others take it
	// over (a replica killed while holding it); longer than any flush.
	stale time.Duration
}

func newStoreLock(db *mongo.Database, id string) *storeLock {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &storeLock{coll: db.Collection("locks"), id: id, owner: hex.EncodeToString(b), stale: time.Minute}
}

// acquire waits for the lock until ctx ends. A lock this process left
// behind (its release failed while the store was down) is its own.
func (l *storeLock) acquire(ctx context.Context) error {
	for {
		_, err := l.coll.InsertOne(ctx, bson.D{{Key: "_id", Value: l.id}, {Key: "owner", Value: l.owner}, {Key: "at", Value: time.Now().UTC()}})
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return derrors.Store(err, "lock "+l.id)
		}
		var held struct {
			Owner string    `bson:"owner"`
			At    time.Time `bson:"at"`
		}
		err = l.coll.FindOne(ctx, bson.D{{Key: "_id", Value: l.id}}).Decode(&held)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			continue // released meanwhile
		case err != nil:
			return derrors.Store(err, "lock "+l.id)
		case held.Owner == l.owner:
			return nil
		case time.Since(held.At) > l.stale:
			_, _ = l.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: l.id}, {Key: "owner", Value: held.Owner}})
			continue
		}
		select {
		case <-ctx.Done():
			return derrors.Store(ctx.Err(), "lock "+l.id)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// release gives the lock up; if that fails, acquire takes it back later
// (same process) or others do after stale.
func (l *storeLock) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = l.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: l.id}, {Key: "owner", Value: l.owner}})
}
