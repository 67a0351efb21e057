package exports

import (
	"fmt"

	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/period"
)

// pct is a percentage 0–100 in a table; nil is an empty cell. The XLSX
// stores it as a fraction with a percentage format, the CSV as the number.
type pct struct{ v *float64 }

// table is one sheet of the XLSX and one file of the CSV export.
type table struct {
	Key    string // CSV name (?table=)
	Sheet  string // XLSX sheet name
	Head   []string
	Widths []float64
	Rows   [][]any // string, int64, int, pct
}

// Tables lists the CSV tables, in sheet order.
var csvTables = []string{"summary", "criteria", "desks", "channels", "comments", "plan"}

func mark(b bool) string {
	if b {
		return "x"
	}
	return ""
}

// tables lays out mt's data; cat names channels and task statuses.
func (mt *MonthTables) tables(cat *web.Catalog) []table {
	t := func(id string) string {
		if cat == nil {
			return id
		}
		return cat.T("vi", id)
	}
	figHead := []string{"Số phiếu", "Chỉ số hài lòng về sự phục vụ hành chính", "Khoảng tin cậy 95 % – cận dưới", "Khoảng tin cậy 95 % – cận trên", "Dưới 30 ý kiến"}
	for _, e := range survey.Elements {
		figHead = append(figHead, "Yếu tố "+e+". "+survey.ElementNames[e].VI)
	}
	figRow := func(r SummaryRow) []any {
		row := []any{r.N, pct{r.Service.HL}, pct{r.Service.CILow}, pct{r.Service.CIHigh}, mark(r.Service.LowN)}
		for _, e := range survey.Elements {
			row = append(row, pct{r.Elements[e].HL})
		}
		return row
	}
	sum := table{Key: "summary", Sheet: "Tổng hợp", Head: append([]string{"Mã đơn vị", "Đơn vị"}, figHead...),
		Widths: []float64{16, 40, 10, 18, 14, 14, 10, 16, 16, 16, 16, 16}}
	crit := table{Key: "criteria", Sheet: "Theo tiêu chí", Head: []string{"Mã đơn vị", "Đơn vị", "Yếu tố", "Mã tiêu chí", "Tiêu chí", "Tỷ lệ hài lòng", "Cận dưới", "Cận trên", "Số ý kiến hợp lệ", "Dưới 30 ý kiến"},
		Widths: []float64{16, 40, 8, 12, 60, 14, 12, 12, 14, 10}}
	ch := table{Key: "channels", Sheet: "Kênh & trực tuyến", Head: []string{"Mã đơn vị", "Đơn vị", "Số phiếu"}, Widths: []float64{16, 40, 10}}
	for _, c := range mt.Channels {
		ch.Head, ch.Widths = append(ch.Head, t("channel."+c)), append(ch.Widths, 16)
	}
	ch.Head, ch.Widths = append(ch.Head, "Tỷ lệ sẽ nộp hồ sơ trực tuyến lần sau"), append(ch.Widths, 20)
	names := map[string]string{}
	for _, r := range mt.Desks {
		names[r.ID] = r.Name
	}
	for _, r := range mt.Units {
		if r.ID != "" {
			names[r.ID] = r.Name
		}
		id := r.ID
		if id == "" {
			id = "(tổng)"
		}
		sum.Rows = append(sum.Rows, append([]any{id, r.Name}, figRow(r)...))
		for _, c := range mt.Criteria {
			f := r.Criteria[c.Code]
			crit.Rows = append(crit.Rows, []any{id, r.Name, c.Element, c.Code, c.Label, pct{f.HL}, pct{f.CILow}, pct{f.CIHigh}, f.N, mark(f.LowN)})
		}
		row := []any{id, r.Name, r.N}
		for _, c := range mt.Channels {
			row = append(row, r.Channels[c])
		}
		ch.Rows = append(ch.Rows, append(row, pct{r.Online}))
	}
	desks := table{Key: "desks", Sheet: "Theo quầy", Head: append([]string{"Mã quầy", "Quầy", "Đơn vị"}, figHead...),
		Widths: []float64{16, 30, 36, 10, 18, 14, 14, 10, 16, 16, 16, 16, 16}}
	for _, r := range mt.Desks {
		desks.Rows = append(desks.Rows, append([]any{r.ID, r.Name, r.Unit}, figRow(r)...))
	}
	// Names, not ids, in the comments and plan sheets; an id is kept when
	// its unit or desk is not in the tables (an older snapshot).
	name := func(id string) string {
		if n := names[id]; n != "" {
			return n
		}
		return id
	}
	cm := table{Key: "comments", Sheet: "Ý kiến", Head: []string{"Thời điểm", "Đơn vị", "Quầy", "Ý kiến của người dân"}, Widths: []float64{18, 36, 16, 100}}
	for _, c := range mt.Comments {
		cm.Rows = append(cm.Rows, []any{c.At.In(period.Vietnam).Format("02/01/2006 15:04"), c.Unit, name(c.Desk), c.Text})
	}
	plan := table{Key: "plan", Sheet: "Kế hoạch", Head: []string{"Mã nhiệm vụ", "Đơn vị", "Nhiệm vụ", "Kênh", "Hạn", "Tình trạng", "Tiến độ (%)", "Quá hạn", "Ghi chú"},
		Widths: []float64{20, 36, 60, 24, 12, 16, 10, 8, 40}}
	for _, k := range mt.Tasks {
		due := k.Due
		if len(due) == 10 {
			due = due[8:10] + "/" + due[5:7] + "/" + due[0:4]
		}
		plan.Rows = append(plan.Rows, []any{k.ID, name(k.Unit), k.Title, t("channel." + k.Channel), due, t("plan.status." + k.Status), k.Progress, mark(k.Overdue), k.Note})
	}
	return []table{sum, crit, desks, ch, cm, plan}
}

// title is the header line of every sheet.
func (mt *MonthTables) title() string {
	s := fmt.Sprintf("Kết quả khảo sát mức độ hài lòng tháng %s/%s – Phạm vi: %s – Phiếu khảo sát: %s", mt.Month[5:7], mt.Month[0:4], mt.Scope, mt.Instrument)
	if mt.SHA256 != "" {
		s += " – Số liệu đã chốt, SHA-256: " + mt.SHA256
	}
	return s
}

// methodLines is the "Phương pháp" sheet.
var methodLines = []string{
	"Phương pháp tính",
	"Căn cứ: Quyết định số 1001/QĐ-BNV ngày 11/12/2023 của Bộ trưởng Bộ Nội vụ ban hành Phương pháp đo lường sự hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước giai đoạn 2023 - 2026 (SIPAS), thực hiện Đề án ban hành kèm theo Quyết định số 979/QĐ-BNV ngày 18/11/2020 của Bộ trưởng Bộ Nội vụ.",
	"Tỷ lệ hài lòng của một tiêu chí: HL = (số ý kiến \"Hài lòng\" + \"Rất hài lòng\") / số ý kiến hợp lệ (mức 1–5) × 100 %. Ý kiến \"Không áp dụng\" không được tính.",
	"Chỉ số của một yếu tố: trung bình cộng tỷ lệ hài lòng các tiêu chí của yếu tố đó.",
	"Chỉ số hài lòng về sự phục vụ hành chính: trung bình cộng tỷ lệ hài lòng của tất cả các tiêu chí.",
	"Gộp nhiều đơn vị (cách tính dùng trong tệp này): cộng dồn số ý kiến của mọi đơn vị trong phạm vi rồi mới tính tỷ lệ; mỗi đơn vị cấp trên bao gồm các đơn vị trực thuộc.",
	"Cách tính khác (trung bình các đơn vị): tính riêng từng đơn vị có ý kiến rồi lấy trung bình cộng; có trong API với tham số agg=units.",
	"Khoảng tin cậy 95 % theo phương pháp Wilson cho tỷ lệ của tiêu chí; với chỉ số yếu tố và chỉ số chung là khoảng xấp xỉ.",
	"Đánh dấu \"Dưới 30 ý kiến\": số liệu có dưới 30 ý kiến hợp lệ ở ít nhất một tiêu chí; được hiển thị để tham khảo, không dùng để xếp hạng.",
	"Thời gian: ngày và tháng tính theo giờ Việt Nam (Asia/Ho_Chi_Minh, UTC+7).",
	"Ý kiến của người dân: đã loại các ý kiến bị ẩn; nội dung bắt đầu bằng = + - @ được thêm dấu ' ở đầu để bảng tính không hiểu là công thức.",
}
