package auth

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Audit is the append-only log of who changed what.
type Audit struct {
	c *mongo.Collection
}

// AuditEntry is one change.
type AuditEntry struct {
	ID     bson.ObjectID `bson:"_id" json:"id"`
	At     time.Time     `bson:"at" json:"at"`
	User   string        `bson:"user" json:"user"`
	Action string        `bson:"action" json:"action"` // "unit.create", "desk.rotate"...
	Target string        `bson:"target" json:"target"`
	Before any           `bson:"before,omitempty" json:"before,omitempty"`
	After  any           `bson:"after,omitempty" json:"after,omitempty"`
}

// NewAudit returns the audit log over db.
func NewAudit(db *mongo.Database) *Audit { return &Audit{c: db.Collection("audit")} }

// Log records a change. A change that cannot be audited must fail: the
// caller returns the error instead of reporting success.
func (a *Audit) Log(ctx context.Context, user, action, target string, before, after any, now time.Time) error {
	e := AuditEntry{ID: bson.NewObjectID(), At: now.UTC(), User: user, Action: action, Target: target, Before: before, After: after}
	if _, err := a.c.InsertOne(ctx, e); err != nil {
		return fmt.Errorf("audit %s %s: %w", action, target, err)
	}
	return nil
}

// Recent returns the newest entries, newest first.
func (a *Audit) Recent(ctx context.Context, limit int64) ([]AuditEntry, error) {
	cur, err := a.c.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	var out []AuditEntry
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	return out, nil
}

func (g *Gate) apiAudit(c echo.Context) error {
	entries, err := g.audit.Recent(c.Request().Context(), 200)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []AuditEntry{}
	}
	return c.JSON(http.StatusOK, entries)
}
