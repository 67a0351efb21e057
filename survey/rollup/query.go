package rollup

import (
	"context"
	"strconv"
	"time"

	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/sipas"
)

// Aggregations across units.
const (
	AggPooled = "pooled" // figures from the summed histograms of every unit
	AggUnits  = "units"  // each unit's figure first, then their plain mean
)

// Query selects what an indicator figure covers.
type Query struct {
	Instrument *survey.Instrument
	// Units is the set of units counted (a unit's subtree); nil counts all.
	Units   map[string]bool
	Desk    string
	Channel string
	// From and To are Vietnam dates, both included.
	From, To time.Time
	By       string // "", period.GrainDay or period.GrainMonth
	Agg      string
	// Breakdown keeps per-unit and per-desk tallies (rankings); Hours keeps
	// the hour × weekday counts. Both cost time, so only pages that show
	// them ask for them.
	Breakdown bool
	Hours     bool
	// ByChannel keeps a full tally per channel (Report.ByChannel).
	ByChannel bool
}

// Tally is the summed counts of the cells a query selects.
type Tally struct {
	Total   Cell
	ByUnit  map[string]*Cell
	ByDesk  map[string]*Cell
	Channel map[string]int64
	// ByChannel is the tally of each channel's cells, with q.ByChannel.
	ByChannel map[string]*Tally
}

func newTally() *Tally {
	return &Tally{ByUnit: map[string]*Cell{}, ByDesk: map[string]*Cell{}, Channel: map[string]int64{}, ByChannel: map[string]*Tally{}}
}

func (t *Tally) add(key CellKey, c Cell, q Query) {
	if !q.Hours {
		c.W = nil
	}
	t.Total.Add(c)
	if q.Breakdown || q.Agg == AggUnits {
		addTo(t.ByUnit, key.Unit, c)
		if key.Desk != "" {
			addTo(t.ByDesk, key.Desk, c)
		}
	}
	t.Channel[key.Channel] += c.N
	if q.ByChannel {
		sub, ok := t.ByChannel[key.Channel]
		if !ok {
			sub = newTally()
			t.ByChannel[key.Channel] = sub
		}
		// A channel's figures need neither rankings nor hours.
		q.ByChannel, q.Breakdown, q.Hours = false, false, false
		sub.add(key, c, q)
	}
}

func addTo(m map[string]*Cell, k string, c Cell) {
	x, ok := m[k]
	if !ok {
		x = &Cell{}
		m[k] = x
	}
	x.Add(c)
}

// Tally reads the rollups of q's periods and sums the selected cells.
func (r *Rollups) Tally(ctx context.Context, q Query, periods []period.Period) (*Tally, error) {
	t := newTally()
	for _, p := range periods {
		doc, err := r.Read(ctx, q.Instrument.ID(), p)
		if err != nil {
			return nil, err
		}
		for k, c := range doc.Cells {
			key, ok := ParseCellKey(k)
			if !ok || !q.selects(key) {
				continue
			}
			t.add(key, c, q)
		}
	}
	return t, nil
}

func (q Query) selects(k CellKey) bool {
	return (q.Units == nil || q.Units[k.Unit]) &&
		(q.Desk == "" || q.Desk == k.Desk) &&
		(q.Channel == "" || q.Channel == k.Channel)
}

// Hist returns an item's histogram from a cell.
func (c *Cell) Hist(item string) sipas.Hist {
	h := sipas.Hist{}
	for k, n := range c.H[item] {
		if len(k) < 2 || k[0] != 'c' {
			continue // not an answer code ("c5"); "" would not even slice
		}
		if code, err := strconv.Atoi(k[1:]); err == nil {
			h[code] += n
		}
	}
	return h
}
