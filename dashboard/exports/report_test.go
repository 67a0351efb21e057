package exports

import (
	"hailong/dashboard/plan"
	"strings"
	"testing"
	"time"
)

// The report's automatic text names the index and its change from last
// month, the best and worst elements, the best and worst units among peers
// with 30 answers or more (never the city row that sums them), and the
// plan's progress.
func TestReportCommentary(t *testing.T) {
	row := func(id, name string, n int64, hl float64) SummaryRow {
		return SummaryRow{ID: id, Name: name, N: n, Service: Fig{HL: f64(hl), N: n, LowN: n < 30}}
	}
	mt := &MonthTables{Month: "2024-06", Scope: "Tất cả đơn vị",
		Units: []SummaryRow{row("", "Tất cả đơn vị", 130, 80), row("vt", "UBND thành phố", 130, 99),
			row("vt-p1", "UBND Phường 1", 40, 85), row("vt-p7", "UBND Phường 7", 60, 70),
			row("vt-p9", "UBND Phường 9", 30, 78), row("vt-p3", "UBND Phường 3", 10, 10)},
		Parents: map[string]string{"vt": "", "vt-p1": "vt", "vt-p7": "vt", "vt-p9": "vt", "vt-p3": "vt"},
		Tasks:   []plan.Task{{Status: plan.TaskDone}, {Status: plan.TaskDone}, {Overdue: true}, {}},
	}
	elems := []reportFig{{Code: "A", Label: "Tiếp cận dịch vụ", Fig: Fig{HL: f64(90)}}, {Code: "B", Label: "Thủ tục hành chính", Fig: Fig{HL: f64(65)}},
		{Code: "C", Label: "Công chức", Fig: Fig{HL: f64(80)}}, {Code: "D", Label: "Kết quả", Fig: Fig{}}}
	for _, tc := range []struct {
		prev float64
		want string
	}{
		{75, "tăng 5,0 điểm phần trăm so với tháng trước (75,0\u00a0%)"},
		{84, "giảm 4,0 điểm phần trăm so với tháng trước (84,0\u00a0%)"},
		{80.02, "tương đương tháng trước (80,0\u00a0%)"},
	} {
		prev := &MonthTables{Units: []SummaryRow{row("", "", 50, tc.prev)}}
		got := strings.Join(commentary(mt, prev, elems), "\n")
		for _, w := range []string{
			"Trong tháng 6/2024, có 130 phiếu đánh giá; chỉ số hài lòng về sự phục vụ hành chính đạt 80,0\u00a0%, " + tc.want,
			"cao nhất là \"Tiếp cận dịch vụ\" (90,0\u00a0%); thấp nhất là \"Thủ tục hành chính\" (65,0\u00a0%)",
			"cao nhất là UBND Phường 1 (85,0\u00a0%), thấp nhất là UBND Phường 7 (70,0\u00a0%)",
			"2/4 nhiệm vụ đã hoàn thành, 1 nhiệm vụ quá hạn",
		} {
			if !strings.Contains(got, w) {
				t.Errorf("commentary lacks %q:\n%s", w, got)
			}
		}
	}
	// No previous month (a unit created since): no comparison, no panic.
	if got := commentary(mt, &MonthTables{}, elems); strings.Contains(got[0], "tháng trước") {
		t.Errorf("without last month: %q", got[0])
	}
	if got := commentary(&MonthTables{Month: "2024-06"}, &MonthTables{}, nil); len(got) != 1 || !strings.Contains(got[0], "chưa có số liệu") {
		t.Errorf("empty month: %q", got)
	}
}

func TestReportDateAndIssuer(t *testing.T) {
	for in, want := range map[time.Time]string{
		time.Date(2024, 6, 5, 0, 0, 0, 0, time.UTC):   "ngày 05 tháng 6 năm 2024",
		time.Date(2024, 2, 15, 0, 0, 0, 0, time.UTC):  "ngày 15 tháng 02 năm 2024",
		time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC): "ngày 31 tháng 12 năm 2024",
	} {
		if got := dateVI(in); got != want {
			t.Errorf("dateVI(%v) = %q, want %q", in, got, want)
		}
	}
	if got := monthVI("2024-06"); got != "6/2024" {
		t.Errorf("monthVI = %q", got)
	}
	if got := sampleTables().root(); got != "UBND thành phố" {
		t.Errorf("root = %q, want the city", got)
	}
}
