package exports

import (
	"context"
	"fmt"
	"sort"
	"time"

	"hailong/dashboard/plan"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Exporter builds a month's tables for the exports (XLSX, CSV, report) and
// closes months. The app builds one and hands it to the HTTP handlers and
// the automatic closing; "hailong export" builds its own, from the same
// code, so both give the same data.
type Exporter struct {
	Store       *survey.Store
	Rollups     *rollup.Rollups
	Instruments *survey.Instruments
	Tasks       *plan.Tasks
	Comments    *survey.Comments
	Catalog     *web.Catalog
	// Snapshots holds the frozen tables of closed months.
	Snapshots *mongo.Collection
}

// Scope is what one export covers: a month, an instrument and a unit's
// subtree (Unit "" and Units nil: every unit). ResolveScope builds it.
type Scope struct {
	Month      time.Time // first day, midnight Vietnam time
	Instrument *survey.Instrument
	Unit       string
	UnitName   string
	Units      map[string]bool
}

// Fig is one rate of an export table: a percentage 0–100, its 95 % interval
// and sample size. Nil values mean no valid answer.
type Fig struct {
	HL     *float64 `json:"hl"`
	CILow  *float64 `json:"ci_low"`
	CIHigh *float64 `json:"ci_high"`
	N      int64    `json:"n"`
	LowN   bool     `json:"low_n"`
}

func figOf(f *rollup.Figure) Fig {
	if f == nil {
		return Fig{LowN: true}
	}
	return Fig{HL: f.HL, CILow: f.CILow, CIHigh: f.CIHigh, N: f.N, LowN: f.LowN}
}

// SummaryRow is one unit (or desk) with its service and element indices.
type SummaryRow struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Unit     string           `json:"unit,omitempty"` // desks: the unit's name
	UnitID   string           `json:"unit_id,omitempty"`
	N        int64            `json:"n"`
	Service  Fig              `json:"service"`
	Elements map[string]Fig   `json:"elements"` // by element code A–E
	Criteria map[string]Fig   `json:"criteria"` // by item code
	Online   *float64         `json:"online,omitempty"`
	Channels map[string]int64 `json:"channels,omitempty"`
}

// CommentRow is one visible comment of the month.
type CommentRow struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Unit   string    `json:"unit"`
	UnitID string    `json:"unit_id"`
	Desk   string    `json:"desk"`
	Text   string    `json:"text"`
}

// Criterion names an item of the criteria sheet.
type Criterion struct {
	Code, Element, Label string
}

// MonthTables is every table of a month's export. It is what a closed
// month's snapshot stores, so it holds no time of generation.
type MonthTables struct {
	Month      string       `json:"month"` // 2024-05
	Instrument string       `json:"instrument"`
	Unit       string       `json:"unit,omitempty"`
	Scope      string       `json:"scope"`
	Criteria   []Criterion  `json:"criteria"`
	Channels   []string     `json:"channels"`
	Units      []SummaryRow `json:"units"` // first row: the whole scope
	Desks      []SummaryRow `json:"desks"`
	Comments   []CommentRow `json:"comments"`
	Tasks      []plan.Task  `json:"tasks"`
	// Parents is the unit tree of the month (child → parent), so a closed
	// month keeps its scopes when units move later.
	Parents map[string]string `json:"parents"`
	SHA256  string            `json:"-"` // set when read from a snapshot
}

// Build computes s's tables from the rollups, responses and plan.
func (x *Exporter) Build(ctx context.Context, s Scope) (*MonthTables, error) {
	in := s.Instrument
	m := period.MonthOf(s.Month)
	last := m.End().AddDate(0, 0, -1)
	q := rollup.Query{Instrument: in, Units: s.Units, From: m.Start, To: last, Agg: rollup.AggPooled, Breakdown: true}
	t, err := x.Rollups.Tally(ctx, q, period.Cover(q.From, q.To))
	if err != nil {
		return nil, err
	}
	units, err := x.Store.UnitsRecent(ctx)
	if err != nil {
		return nil, err
	}
	desks, err := x.Store.Desks(ctx)
	if err != nil {
		return nil, err
	}
	perChannel, err := x.channelTallies(ctx, q)
	if err != nil {
		return nil, err
	}
	mt := &MonthTables{Month: m.Label(), Instrument: in.ID(), Unit: s.Unit, Scope: s.UnitName, Channels: survey.Channels}
	if s.Unit == "" {
		mt.Scope = "Tất cả đơn vị"
	}
	for _, it := range in.Items {
		if it.Satisfaction() && !it.Overall {
			mt.Criteria = append(mt.Criteria, Criterion{Code: it.Code, Element: it.Element, Label: it.Text.VI})
		}
	}
	mt.Units = append(mt.Units, summary(in, "", mt.Scope, "", &t.Total, t.Channel))
	unitName := map[string]string{}
	mt.Parents = map[string]string{}
	for _, u := range units {
		unitName[u.ID] = u.Name
		mt.Parents[u.ID] = u.Parent
	}
	mt.Units = append(mt.Units, unitRows(in, s.Units, units, t, perChannel)...)
	mt.Desks = deskRows(in, s.Units, desks, t, unitName)
	if mt.Comments, err = x.comments(ctx, m, s.Units, unitName); err != nil {
		return nil, err
	}
	tasks, err := x.Tasks.List(ctx, m.End())
	if err != nil {
		return nil, err
	}
	for _, tk := range tasks {
		if s.Units == nil || s.Units[tk.Unit] {
			mt.Tasks = append(mt.Tasks, tk)
		}
	}
	return mt, nil
}

// channelTallies tallies q once per channel, by unit: the tally keeps
// channels for the total only, and each unit's channel mix needs them.
func (x *Exporter) channelTallies(ctx context.Context, q rollup.Query) (map[string]map[string]*rollup.Cell, error) {
	perChannel := map[string]map[string]*rollup.Cell{}
	for _, ch := range survey.Channels {
		qc := q
		qc.Channel = ch
		tc, err := x.Rollups.Tally(ctx, qc, period.Cover(q.From, q.To))
		if err != nil {
			return nil, err
		}
		perChannel[ch] = tc.ByUnit
	}
	return perChannel, nil
}

// unitRows is one row per unit in scope (nil: every unit), each summing
// its subtree, with its answers per channel.
func unitRows(in *survey.Instrument, scope map[string]bool, units []survey.Unit, t *rollup.Tally, perChannel map[string]map[string]*rollup.Cell) []SummaryRow {
	var rows []SummaryRow
	for _, u := range units {
		if scope != nil && !scope[u.ID] {
			continue
		}
		var cell rollup.Cell
		ch := map[string]int64{}
		for id := range survey.Subtree(units, u.ID) {
			if c := t.ByUnit[id]; c != nil {
				cell.Add(*c)
			}
			for k, byUnit := range perChannel {
				if c := byUnit[id]; c != nil {
					ch[k] += c.N
				}
			}
		}
		rows = append(rows, summary(in, u.ID, u.Name, "", &cell, ch))
	}
	return rows
}

// deskRows is one row per desk of a unit in scope (nil: every unit), by id.
func deskRows(in *survey.Instrument, scope map[string]bool, desks []survey.Desk, t *rollup.Tally, unitName map[string]string) []SummaryRow {
	var rows []SummaryRow
	for _, d := range desks {
		if scope != nil && !scope[d.Unit] {
			continue
		}
		cell := t.ByDesk[d.ID]
		if cell == nil {
			cell = &rollup.Cell{}
		}
		row := summary(in, d.ID, d.Name, unitName[d.Unit], cell, nil)
		row.UnitID = d.Unit
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	return rows
}

// summary computes one row's figures from its cell, pooled.
func summary(in *survey.Instrument, id, name, unit string, c *rollup.Cell, channels map[string]int64) SummaryRow {
	f := rollup.Compute(in, &rollup.Tally{Total: *c}, rollup.AggPooled, "vi")
	r := SummaryRow{ID: id, Name: name, Unit: unit, N: f.N, Service: figOf(f.Service),
		Elements: map[string]Fig{}, Criteria: map[string]Fig{}, Channels: channels}
	for i := range f.Elements {
		r.Elements[f.Elements[i].Code] = figOf(&f.Elements[i])
	}
	for i := range f.Criteria {
		r.Criteria[f.Criteria[i].Code] = figOf(&f.Criteria[i])
	}
	for _, ch := range f.Choices {
		if ch.Code == "online_next" && len(ch.Options) > 0 {
			r.Online = ch.Options[0].Share
		}
	}
	return r
}

// comments reads the month's comment archive and keeps the visible ones.
func (x *Exporter) comments(ctx context.Context, m period.Period, units map[string]bool, unitName map[string]string) ([]CommentRow, error) {
	hidden, err := x.Comments.HiddenIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := []CommentRow{}
	archived, err := x.Store.MonthComments(ctx, m.Start, units)
	for _, c := range archived {
		if !hidden[c.ID.Hex()] {
			out = append(out, CommentRow{ID: c.ID.Hex(), At: c.At.In(period.Vietnam), Unit: unitName[c.Unit], UnitID: c.Unit, Desk: c.Desk, Text: c.Text})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read comments: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
