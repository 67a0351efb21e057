package exports

import (
	"fmt"
	"io"
	"strconv"

	"hailong/internal/web"
	"hailong/survey/rawcsv"
)

// WriteCSV writes one table of mt (see csvTables) as UTF-8 CSV with a BOM,
// so Excel shows Vietnamese; text that starts like a formula is escaped.
// Percentages are numbers 0–100 with a full stop.
func WriteCSV(w io.Writer, mt *MonthTables, cat *web.Catalog, key string) error {
	for _, t := range mt.tables(cat) {
		if t.Key != key {
			continue
		}
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
		cw := rawcsv.NewCSVWriter(w)
		if err := cw.Write(t.Head); err != nil {
			return err
		}
		rec := make([]string, len(t.Head))
		for _, row := range t.Rows {
			for i, v := range row {
				rec[i] = csvCell(v)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("no table %q", key)
}

func csvCell(v any) string {
	switch v := v.(type) {
	case string:
		return rawcsv.SafeCell(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	case pct:
		if v.v == nil {
			return ""
		}
		return strconv.FormatFloat(*v.v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
