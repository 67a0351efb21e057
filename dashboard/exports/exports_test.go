package exports

import (
	"bytes"
	"encoding/csv"
	"hailong/dashboard/plan"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func f64(v float64) *float64 { return &v }

func sampleTables() *MonthTables {
	row := func(id, name string, n int64, hl float64) SummaryRow {
		return SummaryRow{ID: id, Name: name, N: n, Service: Fig{HL: f64(hl), N: n, LowN: n < 30},
			Elements: map[string]Fig{"A": {HL: f64(hl)}}, Criteria: map[string]Fig{}, Channels: map[string]int64{"qr": n}}
	}
	return &MonthTables{Month: "2024-05", Instrument: "counter@1", Scope: "Tất cả đơn vị", Channels: []string{"qr"},
		Units:    []SummaryRow{row("", "Tất cả đơn vị", 50, 80), row("vt", "UBND thành phố", 50, 80), row("vt-p1", "UBND Phường 1", 40, 85), row("vt-p7", "UBND Phường 7", 10, 60)},
		Desks:    []SummaryRow{{ID: "p1-q1", UnitID: "vt-p1", Elements: map[string]Fig{}}, {ID: "p7-q1", UnitID: "vt-p7", Elements: map[string]Fig{}}},
		Comments: []CommentRow{{ID: "1", UnitID: "vt-p1", Text: "@tốt", At: time.Date(2024, 5, 31, 16, 30, 0, 0, time.UTC)}, {ID: "2", UnitID: "vt-p7", Text: "ổn"}},
		Tasks:    []plan.Task{{ID: "t1", Unit: "vt-p7", Status: plan.TaskDone}},
		Parents:  map[string]string{"vt": "", "vt-p1": "vt", "vt-p7": "vt"},
	}
}

func TestScopedSnapshot(t *testing.T) {
	s := sampleTables().scoped("vt-p1", "UBND Phường 1")
	if len(s.Units) != 2 || s.Units[0].ID != "" || s.Units[0].N != 40 || s.Units[1].ID != "vt-p1" {
		t.Errorf("units %+v", s.Units)
	}
	if len(s.Desks) != 1 || len(s.Comments) != 1 || len(s.Tasks) != 0 || s.Scope != "UBND Phường 1" {
		t.Errorf("desks %v comments %v tasks %v", s.Desks, s.Comments, s.Tasks)
	}
}

func TestWriteCSVAndXLSX(t *testing.T) {
	mt := sampleTables()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, mt, nil, "comments"); err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutPrefix(buf.String(), "\uFEFF")
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if !ok || err != nil || len(recs) != 3 || recs[1][3] != "'@tốt" || recs[1][0] != "31/05/2024 23:30" {
		t.Fatalf("comments CSV %q %v", recs, err)
	}
	buf.Reset()
	if err := WriteXLSX(&buf, mt, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, _ := f.GetCellValue("Tổng hợp", "D4")
	raw, _ := f.GetCellValue("Tổng hợp", "D4", excelize.Options{RawCellValue: true})
	if v != "80.0%" || raw != "0.8" {
		t.Errorf("D4 shows %q (raw %q), want 80.0%% (0.8)", v, raw)
	}
	if got := f.GetSheetList(); len(got) != 7 || got[6] != "Phương pháp" {
		t.Errorf("sheets %v", got)
	}
}
