// Package rollup is the index engine: pre-aggregated counts of the stored
// responses (rollups) and the indicator math over them (Query, Tally,
// Compute, Report, Series), the group-commit writer that stores citizens'
// answers and keeps the rollups in step with them (Committer, with its
// journal, crash repair and heartbeats), and the rebuild from the
// responses (Reindex). It reads survey's responses and instruments;
// survey knows it only as the Submitter its citizen handler is given.
package rollup

import (
	"fmt"
	"strconv"
	"strings"

	"hailong/survey"
	"hailong/survey/period"
)

// Rollups are pre-aggregated counts, one document per instrument version
// per period, in one small collection per period: rollup_d_YYYYMMDD for a
// day, rollup_m_YYYYMM for a month (Asia/Ho_Chi_Minh boundaries).
//
// Why one collection per period: embedded FerretDB finds a document by _id
// in constant time but scans the whole collection for every update, so
// collections that are updated must stay tiny. A period document holds a
// cell per (unit, desk, channel): unit figures are sums of their desks'
// cells, so a period is one read however many units are asked for, and
// any query reads O(months + edge days) documents of O(desks) size.
//
// Cells keep the unit the desk belonged to when the answer came, so moving
// a unit in the tree never changes its past figures.
type RollupDoc struct {
	ID    string          `bson:"_id"` // instrument "code@version"
	Cells map[string]Cell `bson:"cells"`
	// Seq records, per writer process, the last journal batch applied to
	// this document, which makes crash repair idempotent.
	Seq map[string]int64 `bson:"seq,omitempty"`
	// V counts the writes of this document: a writer replaces the version
	// it read, so two replicas never overwrite each other's counts.
	V int64 `bson:"v,omitempty"`
}

// Cell holds the counts of one (unit, desk, channel) in one period.
type Cell struct {
	N int64 `bson:"n"`
	// H is per item code, per answer code ("c5"), the number of answers.
	H map[string]map[string]int64 `bson:"h,omitempty"`
	// M is per multi-choice item, per option key, the number of answers.
	M map[string]map[string]int64 `bson:"m,omitempty"`
	// W is the number of answers per weekday and hour ("w0h14" is Monday
	// 14:00–14:59 Vietnam time). Only hours with answers have a key, so a
	// day document's cell holds at most 24 of them.
	W map[string]int64 `bson:"w,omitempty"`
	// Comments counts answers with a comment.
	Comments int64 `bson:"cm,omitempty"`
}

// CellKey identifies a cell: "unit~desk~channel".
type CellKey struct {
	Unit, Desk, Channel string
}

func (k CellKey) String() string { return k.Unit + "~" + k.Desk + "~" + k.Channel }

// ParseCellKey splits a cell key.
func ParseCellKey(s string) (CellKey, bool) {
	p := strings.Split(s, "~")
	if len(p) != 3 {
		return CellKey{}, false
	}
	return CellKey{Unit: p[0], Desk: p[1], Channel: p[2]}, true
}

// collection is the name of a period's rollup collection.
func collection(p period.Period) string {
	if p.Grain == period.GrainDay {
		return "rollup_d_" + p.Start.Format("20060102")
	}
	return "rollup_m_" + p.Start.Format("200601")
}

// docRef names one rollup document.
type docRef struct {
	Coll string
	ID   string
}

// deltas are increments per rollup document, per cell key.
type deltas map[docRef]map[string]*Cell

func (d deltas) add(t docRef, cell string, c Cell) {
	m, ok := d[t]
	if !ok {
		m = map[string]*Cell{}
		d[t] = m
	}
	if have, ok := m[cell]; ok {
		have.Add(c)
		return
	}
	var fresh Cell
	fresh.Add(c)
	m[cell] = &fresh
}

func (d deltas) merge(o deltas) {
	for t, cells := range o {
		for k, c := range cells {
			d.add(t, k, *c)
		}
	}
}

// addResponse adds the increments one response makes. Only responses that
// count (status ok) add anything.
func (d deltas) addResponse(r *survey.Response) {
	if r.Status != survey.StatusOK {
		return
	}
	key := CellKey{Unit: r.Unit, Desk: r.Desk, Channel: r.Channel}.String()
	c := Cell{N: 1, H: map[string]map[string]int64{}}
	for item, code := range r.Answers {
		c.H[item] = map[string]int64{"c" + strconv.Itoa(code): 1}
	}
	if len(r.Choices) > 0 {
		c.M = map[string]map[string]int64{}
		for item, keys := range r.Choices {
			c.M[item] = map[string]int64{}
			for _, k := range keys {
				c.M[item][k]++
			}
		}
	}
	if r.Comment != "" {
		c.Comments = 1
	}
	v := r.SubmittedAt.In(period.Vietnam)
	// Day documents carry the hour too: a period that is not whole months
	// (the overview's "this month so far") reads day documents only.
	wd := (int(v.Weekday()) + 6) % 7 // Monday = 0
	c.W = map[string]int64{fmt.Sprintf("w%dh%d", wd, v.Hour()): 1}
	d.add(docRef{Coll: collection(period.DayOf(v)), ID: r.Instrument}, key, c)
	d.add(docRef{Coll: collection(period.MonthOf(v)), ID: r.Instrument}, key, c)
}

// Add adds the counts of o into c.
func (c *Cell) Add(o Cell) {
	c.N += o.N
	c.Comments += o.Comments
	c.H = addNested(c.H, o.H)
	c.M = addNested(c.M, o.M)
	if len(o.W) > 0 && c.W == nil {
		c.W = map[string]int64{}
	}
	for k, n := range o.W {
		c.W[k] += n
	}
}

func addNested(dst, src map[string]map[string]int64) map[string]map[string]int64 {
	if len(src) > 0 && dst == nil {
		dst = map[string]map[string]int64{}
	}
	for item, counts := range src {
		m, ok := dst[item]
		if !ok {
			m = map[string]int64{}
			dst[item] = m
		}
		for k, n := range counts {
			m[k] += n
		}
	}
	return dst
}
