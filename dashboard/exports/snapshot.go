package exports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/derrors"
	"hailong/survey"
	"hailong/survey/period"
)

// ErrClosed is returned when closing a month that is already closed.
var ErrClosed = fmt.Errorf("month already closed: %w", derrors.ErrConflict)

// ErrNotEnded is returned when closing a month that has not ended yet: its
// snapshot would hide every later answer of the month.
var ErrNotEnded = fmt.Errorf("month has not ended: %w", derrors.ErrConflict)

// Snapshot is a closed month's tables, stored once and never updated: the
// canonical JSON of the whole-city MonthTables and its SHA-256. Exports of
// a closed month read it, so late answers, reindexing and unit moves no
// longer change them.
type Snapshot struct {
	ID       string    `bson:"_id"` // 2024-05|counter@1
	Month    string    `bson:"month"`
	Tables   string    `bson:"tables"`
	SHA256   string    `bson:"sha256"`
	ClosedAt time.Time `bson:"closed_at"`
	ClosedBy string    `bson:"closed_by"`
}

func snapshotID(month string, in *survey.Instrument) string { return month + "|" + in.ID() }

// snapshots shares the plan's database.
func (x *Exporter) snapshots() *mongo.Collection { return x.Snapshots }

// Month returns s's tables: from the snapshot when the month is closed,
// computed otherwise.
func (x *Exporter) Month(ctx context.Context, s Scope) (*MonthTables, error) {
	var snap Snapshot
	err := x.snapshots().FindOne(ctx, bson.D{{Key: "_id", Value: snapshotID(period.MonthOf(s.Month).Label(), s.Instrument)}}).Decode(&snap)
	if err = derrors.Store(err, "read snapshot"); errors.Is(err, derrors.ErrNotFound) {
		return x.Build(ctx, s)
	}
	if err != nil {
		return nil, err
	}
	var mt MonthTables
	if err := json.Unmarshal([]byte(snap.Tables), &mt); err != nil {
		return nil, fmt.Errorf("decode snapshot %s: %w", snap.ID, err)
	}
	out := mt.scoped(s.Unit, s.UnitName)
	out.SHA256 = snap.SHA256
	return out, nil
}

// Close stores the month's whole-city tables as its snapshot and returns
// their SHA-256.
func (x *Exporter) Close(ctx context.Context, month time.Time, in *survey.Instrument, user string, now time.Time) (string, error) {
	if now.Before(period.MonthOf(month).End()) {
		return "", ErrNotEnded
	}
	mt, err := x.Build(ctx, Scope{Month: month, Instrument: in})
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(mt) // maps are written in key order: canonical
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	snap := Snapshot{ID: snapshotID(mt.Month, in), Month: mt.Month, Tables: string(b), SHA256: hex.EncodeToString(sum[:]), ClosedAt: now.UTC(), ClosedBy: user}
	if _, err := x.snapshots().InsertOne(ctx, snap); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return "", ErrClosed
		}
		return "", derrors.Store(err, "store snapshot")
	}
	return snap.SHA256, nil
}

// Closed returns the month's snapshot (without its tables); a month that
// is open is derrors.ErrNotFound.
func (x *Exporter) Closed(ctx context.Context, month time.Time, in *survey.Instrument) (*Snapshot, error) {
	var snap Snapshot
	id := snapshotID(period.MonthOf(month).Label(), in)
	opts := options.FindOne().SetProjection(bson.D{{Key: "tables", Value: 0}})
	err := x.snapshots().FindOne(ctx, bson.D{{Key: "_id", Value: id}}, opts).Decode(&snap)
	if err != nil {
		return nil, derrors.Store(err, "read snapshot "+id)
	}
	return &snap, nil
}

// Reopen deletes the month's snapshot, keeping a copy aside, and returns
// its SHA-256; reopening an open month does nothing and returns "".
func (x *Exporter) Reopen(ctx context.Context, month time.Time, in *survey.Instrument, by string, now time.Time) (string, error) {
	var snap Snapshot
	id := snapshotID(period.MonthOf(month).Label(), in)
	err := x.snapshots().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&snap)
	if err = derrors.Store(err, "read snapshot"); errors.Is(err, derrors.ErrNotFound) {
		return "", nil // open already: nothing to keep
	}
	if err != nil {
		return "", err
	}
	// What was reported stays on record: the reopened snapshot is kept,
	// under its own id, before the month is opened again.
	old := reopenedSnapshot{ID: id + "|" + now.UTC().Format(time.RFC3339Nano), Snapshot: snap, ReopenedAt: now.UTC(), ReopenedBy: by}
	if _, err := x.snapshots().Database().Collection("snapshots_reopened").InsertOne(ctx, old); err != nil {
		return "", derrors.Store(err, "keep the reopened snapshot")
	}
	if _, err := x.snapshots().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return "", derrors.Store(err, "reopen")
	}
	return snap.SHA256, nil
}

// reopenedSnapshot is a closed month's snapshot as it was when an admin
// reopened the month.
type reopenedSnapshot struct {
	ID         string    `bson:"_id"` // snapshot id|reopened at
	Snapshot   Snapshot  `bson:"snapshot"`
	ReopenedAt time.Time `bson:"reopened_at"`
	ReopenedBy string    `bson:"reopened_by"`
}

// scoped narrows whole-city tables to unit's subtree, as the month's tree was.
func (mt *MonthTables) scoped(unit, name string) *MonthTables {
	if unit == "" {
		return mt
	}
	tree := make([]survey.Unit, 0, len(mt.Parents))
	for id, p := range mt.Parents {
		tree = append(tree, survey.Unit{ID: id, Parent: p})
	}
	in := survey.Subtree(tree, unit)
	out := *mt
	out.Unit, out.Scope, out.Units, out.Desks, out.Comments, out.Tasks = unit, name, nil, nil, []CommentRow{}, nil
	var rows []SummaryRow
	for _, r := range mt.Units[min(1, len(mt.Units)):] {
		if in[r.ID] {
			rows = append(rows, r)
		}
		if r.ID == unit {
			total := r
			total.ID, total.Name = "", name
			out.Units = append(out.Units, total)
		}
	}
	if len(out.Units) == 0 {
		// A unit created after the month was closed has no row: every
		// table still starts with its (empty) total.
		out.Units = append(out.Units, emptyRow(name))
	}
	out.Units = append(out.Units, rows...)
	for _, d := range mt.Desks {
		if in[d.UnitID] {
			out.Desks = append(out.Desks, d)
		}
	}
	for _, c := range mt.Comments {
		if in[c.UnitID] {
			out.Comments = append(out.Comments, c)
		}
	}
	for _, t := range mt.Tasks {
		if in[t.Unit] {
			out.Tasks = append(out.Tasks, t)
		}
	}
	return &out
}

// emptyRow is a total row without answers.
func emptyRow(name string) SummaryRow {
	return SummaryRow{Name: name, Service: Fig{LowN: true}, Elements: map[string]Fig{}, Criteria: map[string]Fig{}}
}

// total is the first row of mt.Units, the whole scope (empty when missing).
func (mt *MonthTables) total() SummaryRow {
	if len(mt.Units) == 0 {
		return emptyRow(mt.Scope)
	}
	return mt.Units[0]
}
