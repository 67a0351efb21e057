package exports

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/plan"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/period"
)

// ReportView is the printable monthly report.
type ReportView struct {
	Tables     *MonthTables
	Issuer     string
	MonthLabel string // 05/2024
	Date       string // ngày 05 tháng 6 năm 2024
	Elements   []reportFig
	Units      []SummaryRow
	Commentary []string
	// ChannelMix is the answers per channel in words ("Mã QR tại quầy:
	// 14 phiếu (46,7 %); …"), empty without answers.
	ChannelMix string
	Pct        func(*float64) string
	Files      string // the month's path, for the download links
	Query      string
}

type reportFig struct {
	Code, Label string
	Fig
}

// exportReport is GET /exports/:month/report: the month's report in the
// layout of a Vietnamese administrative report, printable on A4.
func (h *Handler) exportReport(c echo.Context) error {
	scope, err := h.monthScope(c, c.Param("file"))
	if err != nil {
		return err
	}
	v, err := h.exporter.Report(c.Request().Context(), scope, h.now(), c.QueryParams().Encode())
	if err != nil {
		return err
	}
	if v.Tables.SHA256 != "" {
		c.Response().Header().Set(SHAHeader, v.Tables.SHA256)
	}
	p := web.NewPage(c, "title.report", v)
	p.BodyClass = "sheets"
	return web.RenderPage(c, http.StatusOK, "report", p)
}

// Report builds the report page's data; query keeps the page's filters
// on its download links.
func (x *Exporter) Report(ctx context.Context, es Scope, now time.Time, query string) (*ReportView, error) {
	start := es.Month
	mt, err := x.Month(ctx, es)
	if err != nil {
		return nil, err
	}
	es.Month = start.AddDate(0, -1, 0)
	prev, err := x.Month(ctx, es)
	if err != nil {
		return nil, err
	}
	now = now.In(period.Vietnam)
	v := &ReportView{Tables: mt, Issuer: strings.ToUpper(mt.Scope), MonthLabel: monthVI(mt.Month),
		Date:  dateVI(now),
		Units: mt.Units[min(1, len(mt.Units)):], Files: mt.Month, Query: query,
		Pct: func(p *float64) string {
			if p == nil {
				return "–"
			}
			return web.FormatPercent("vi", *p)
		}}
	if mt.Unit == "" {
		v.Issuer = "……………………"
		if root := mt.root(); root != "" {
			v.Issuer = strings.ToUpper(root)
		}
	}
	total := mt.total()
	for _, e := range survey.Elements {
		if f, ok := total.Elements[e]; ok {
			v.Elements = append(v.Elements, reportFig{Code: e, Label: survey.ElementNames[e].VI, Fig: f})
		}
	}
	v.Commentary = commentary(mt, prev, v.Elements)
	v.ChannelMix = channelMix(mt, x.Catalog)
	return v, nil
}

// RenderReport writes the report page as HTML in Vietnamese (for "hailong
// export -format pdf", which prints it with Chromium).
func RenderReport(w io.Writer, r *web.Renderer, v *ReportView) error {
	return r.Render(w, "report", web.Page{Lang: "vi", Title: "title.report", BodyClass: "sheets", Data: v}, nil)
}

// commentary is the report's short automatic text: the index and its
// change, best and worst elements and units, plan progress.
func commentary(mt, prev *MonthTables, elems []reportFig) []string {
	pc := func(v float64) string { return web.FormatPercent("vi", v) }
	total := mt.total()
	var out []string
	if total.Service.HL == nil {
		return []string{"Trong tháng chưa có số liệu: chưa có ý kiến hợp lệ để tính chỉ số."}
	}
	s := fmt.Sprintf("Trong tháng %s, có %d phiếu đánh giá; chỉ số hài lòng về sự phục vụ hành chính đạt %s", monthVI(mt.Month), total.N, pc(*total.Service.HL))
	if p := prev.total().Service.HL; p != nil {
		d := *total.Service.HL - *p
		switch {
		case d > 0.05:
			s += fmt.Sprintf(", tăng %s điểm phần trăm so với tháng trước (%s)", strings.TrimSuffix(pc(d), "\u00a0%"), pc(*p))
		case d < -0.05:
			s += fmt.Sprintf(", giảm %s điểm phần trăm so với tháng trước (%s)", strings.TrimSuffix(pc(-d), "\u00a0%"), pc(*p))
		default:
			s += fmt.Sprintf(", tương đương tháng trước (%s)", pc(*p))
		}
	}
	if total.Service.LowN {
		s += "; số ý kiến còn ít (dưới 30), kết quả chỉ có giá trị tham khảo"
	}
	out = append(out, s+".")
	var best, worst *reportFig
	for i := range elems {
		e := &elems[i]
		if e.HL == nil {
			continue
		}
		if best == nil || *e.HL > *best.HL {
			best = e
		}
		if worst == nil || *e.HL < *worst.HL {
			worst = e
		}
	}
	if best != nil && worst != nil && best != worst {
		out = append(out, fmt.Sprintf("Yếu tố được đánh giá cao nhất là \"%s\" (%s); thấp nhất là \"%s\" (%s), cần tập trung cải thiện.", best.Label, pc(*best.HL), worst.Label, pc(*worst.HL)))
	}
	// Units are compared with their peers only: a unit with sub-units in
	// the table sums them, so it is left out (the city in whole-city scope).
	parents := map[string]bool{}
	for _, p := range mt.Parents {
		parents[p] = true
	}
	var hi, lo *SummaryRow
	for i := 1; i < len(mt.Units); i++ {
		u := &mt.Units[i]
		if u.Service.HL == nil || u.Service.LowN || u.ID == mt.Unit || parents[u.ID] {
			continue
		}
		if hi == nil || *u.Service.HL > *hi.Service.HL {
			hi = u
		}
		if lo == nil || *u.Service.HL < *lo.Service.HL {
			lo = u
		}
	}
	if hi != nil && lo != nil && hi != lo {
		out = append(out, fmt.Sprintf("Trong các đơn vị có từ 30 ý kiến trở lên, cao nhất là %s (%s), thấp nhất là %s (%s).", hi.Name, pc(*hi.Service.HL), lo.Name, pc(*lo.Service.HL)))
	}
	if n := len(mt.Tasks); n > 0 {
		done, late := 0, 0
		for _, t := range mt.Tasks {
			if t.Status == plan.TaskDone {
				done++
			}
			if t.Overdue {
				late++
			}
		}
		out = append(out, fmt.Sprintf("Kế hoạch nâng cao mức độ hài lòng: %d/%d nhiệm vụ đã hoàn thành, %d nhiệm vụ quá hạn.", done, n, late))
	}
	return out
}

// channelMix writes the month's answers per channel, in the order of
// survey.Channels, leaving out channels without answers.
func channelMix(mt *MonthTables, cat *web.Catalog) string {
	total := mt.total()
	var parts []string
	for _, ch := range mt.Channels {
		if n := total.Channels[ch]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d phiếu (%s)", cat.T("vi", "channel."+ch), n,
				web.FormatPercent("vi", 100*float64(n)/float64(max(total.N, 1)))))
		}
	}
	return strings.Join(parts, "; ")
}

// monthVI writes 2024-06 as "6/2024": months are not zero-padded in text.
func monthVI(label string) string {
	t, err := time.Parse("2006-01", label)
	if err != nil {
		return label
	}
	return fmt.Sprintf("%d/%d", int(t.Month()), t.Year())
}

// dateVI is the report's date line as Nghị định 30/2020/NĐ-CP writes it:
// days below 10 and the months 1 and 2 get a leading zero, others do not
// ("ngày 05 tháng 6 năm 2024", "ngày 15 tháng 02 năm 2024").
func dateVI(t time.Time) string {
	m := strconv.Itoa(int(t.Month()))
	if t.Month() <= time.February {
		m = "0" + m
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), m, t.Year())
}

// root is the name of the tree's only top unit (UBND thành phố), the
// issuer of a whole-city report; "" when there is none or several.
func (mt *MonthTables) root() string {
	var id string
	for u, p := range mt.Parents {
		if p == "" {
			if id != "" {
				return ""
			}
			id = u
		}
	}
	for _, r := range mt.Units {
		if id != "" && r.ID == id {
			return r.Name
		}
	}
	return ""
}
