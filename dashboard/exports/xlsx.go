package exports

import (
	"io"

	"github.com/xuri/excelize/v2"

	"hailong/internal/web"
	"hailong/survey/rawcsv"
)

// WriteXLSX writes mt as a workbook: one sheet per table, then the method.
func WriteXLSX(w io.Writer, mt *MonthTables, cat *web.Catalog) error {
	f := excelize.NewFile()
	defer f.Close()
	pctFmt := "0.0%"
	pctStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &pctFmt})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}})
	if err != nil {
		return err
	}
	for i, t := range mt.tables(cat) {
		if i == 0 {
			err = f.SetSheetName("Sheet1", t.Sheet)
		} else {
			_, err = f.NewSheet(t.Sheet)
		}
		if err != nil {
			return err
		}
		if err := writeSheet(f, t, mt.title(), titleStyle, head, pctStyle); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet("Phương pháp"); err != nil {
		return err
	}
	for i, line := range methodLines {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetCellStr("Phương pháp", cell, line); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle("Phương pháp", "A1", "A1", titleStyle)
	_ = f.SetColWidth("Phương pháp", "A", "A", 140)
	f.SetActiveSheet(0)
	return f.Write(w)
}

// writeSheet writes the title on row 1, the header on row 2 (both frozen)
// and the rows from row 3.
func writeSheet(f *excelize.File, t table, title string, titleStyle, head, pctStyle int) error {
	s := t.Sheet
	if err := f.SetCellStr(s, "A1", title); err != nil {
		return err
	}
	_ = f.SetCellStyle(s, "A1", "A1", titleStyle)
	for c, h := range t.Head {
		cell, _ := excelize.CoordinatesToCellName(c+1, 2)
		if err := f.SetCellStr(s, cell, h); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(t.Head), 2)
	_ = f.SetCellStyle(s, "A2", last, head)
	for c, wd := range t.Widths {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(s, col, col, wd); err != nil {
			return err
		}
	}
	for r, row := range t.Rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+3)
			var err error
			switch v := v.(type) {
			case string:
				if v != "" {
					err = f.SetCellStr(s, cell, rawcsv.SafeCell(v))
				}
			case int64:
				err = f.SetCellInt(s, cell, v)
			case int:
				err = f.SetCellInt(s, cell, int64(v))
			case pct:
				if v.v != nil {
					if err = f.SetCellFloat(s, cell, *v.v/100, -1, 64); err == nil {
						err = f.SetCellStyle(s, cell, cell, pctStyle)
					}
				}
			}
			if err != nil {
				return err
			}
		}
	}
	return f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}
