package rawcsv

import (
	"io"
	"strconv"
	"strings"
	"time"

	"hailong/survey"
	"hailong/survey/period"
)

// Writer writes one CSV row per response: codes, not labels. The
// columns are the instrument's items; flush is called every 1,000 rows.
type Writer struct {
	w     *CSVWriter
	items []*survey.Item
	flush func()
	rows  int
	row   []string
}

// NewWriter writes the header of the raw responses CSV for in.
func NewWriter(w io.Writer, in *survey.Instrument, flush func()) (*Writer, error) {
	rw := &Writer{w: NewCSVWriter(w), flush: flush}
	head := []string{"id", "submitted_at", "desk", "unit", "channel", "instrument", "status", "served", "field", "procedure", "serial"}
	for i := range in.Items {
		if it := &in.Items[i]; it.Type != survey.TypeText {
			rw.items = append(rw.items, it)
			head = append(head, it.Code)
		}
	}
	head = append(head, "comment")
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	return rw, rw.w.Write(head)
}

// Write adds r's row.
func (rw *Writer) Write(r *survey.Response) error {
	row := append(rw.row[:0], r.ID.Hex(), r.SubmittedAt.In(period.Vietnam).Format(time.RFC3339),
		SafeCell(r.Desk), SafeCell(r.Unit), r.Channel, r.Instrument, r.Status,
		r.Served, SafeCell(r.Field), SafeCell(r.Procedure), SafeCell(r.Serial))
	for _, it := range rw.items {
		switch {
		case it.Type == survey.TypeMulti:
			row = append(row, SafeCell(strings.Join(r.Choices[it.Code], "|")))
		default:
			v, ok := r.Answers[it.Code]
			if !ok {
				row = append(row, "")
			} else {
				row = append(row, strconv.Itoa(v))
			}
		}
	}
	row = append(row, SafeCell(r.Comment))
	rw.row = row
	if err := rw.w.Write(row); err != nil {
		return err
	}
	if rw.rows++; rw.rows%1000 == 0 {
		rw.w.Flush()
		if rw.flush != nil {
			rw.flush()
		}
	}
	return rw.w.Error()
}

// Close flushes the last rows.
func (rw *Writer) Close() error {
	rw.w.Flush()
	if rw.flush != nil {
		rw.flush()
	}
	return rw.w.Error()
}
