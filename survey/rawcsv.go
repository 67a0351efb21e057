package survey

import (
	"context"
	"fmt"
	"hailong/survey/period"
	"io"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// EachResponse streams the responses submitted in [from, to) to fn, in
// batches of 1,000 from one cursor: memory stays constant whatever the
// number of answers. A nil units reads every unit.
func (s *Store) EachResponse(ctx context.Context, from, to time.Time, units map[string]bool, fn func(*Response) error) error {
	return s.eachResponse(ctx, from, to, units, nil, nil, fn)
}

func (s *Store) eachResponse(ctx context.Context, from, to time.Time, units map[string]bool, extra, proj bson.D, fn func(*Response) error) error {
	filter := bson.D{{Key: "submitted_at", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}}
	filter = append(filter, extra...)
	opts := options.Find().SetBatchSize(1000)
	if proj != nil {
		opts.SetProjection(proj)
	}
	cur, err := s.responses.Find(ctx, filter, opts)
	if err != nil {
		return fmt.Errorf("read responses: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var r Response
		if err := cur.Decode(&r); err != nil {
			return fmt.Errorf("decode response: %w", err)
		}
		if units != nil && !units[r.Unit] {
			continue
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("read responses: %w", err)
	}
	return nil
}

// SafeCell escapes text a spreadsheet would read as a formula (= + - @,
// and the tab and carriage return some programs also treat so) with a
// leading apostrophe.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// RawWriter writes one CSV row per response: codes, not labels. The
// columns are the instrument's items; flush is called every 1,000 rows.
type RawWriter struct {
	w     *CSVWriter
	items []*Item
	flush func()
	rows  int
	row   []string
}

// NewRawWriter writes the header of the raw responses CSV for in.
func NewRawWriter(w io.Writer, in *Instrument, flush func()) (*RawWriter, error) {
	rw := &RawWriter{w: NewCSVWriter(w), flush: flush}
	head := []string{"id", "submitted_at", "desk", "unit", "channel", "instrument", "status", "served", "field", "procedure", "serial"}
	for i := range in.Items {
		if it := &in.Items[i]; it.Type != TypeText {
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
func (rw *RawWriter) Write(r *Response) error {
	row := append(rw.row[:0], r.ID.Hex(), r.SubmittedAt.In(period.Vietnam).Format(time.RFC3339),
		SafeCell(r.Desk), SafeCell(r.Unit), r.Channel, r.Instrument, r.Status,
		r.Served, SafeCell(r.Field), SafeCell(r.Procedure), SafeCell(r.Serial))
	for _, it := range rw.items {
		switch {
		case it.Type == TypeMulti:
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
func (rw *RawWriter) Close() error {
	rw.w.Flush()
	if rw.flush != nil {
		rw.flush()
	}
	return rw.w.Error()
}

// WriteCodebook writes the codebook of in: item code, Vietnamese text,
// option code (or key) and Vietnamese label, one row per option.
func WriteCodebook(w io.Writer, in *Instrument) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := NewCSVWriter(w)
	_ = cw.Write([]string{"item", "text_vi", "option", "label_vi"})
	for _, r := range fixedColumns {
		_ = cw.Write(r)
	}
	for i := range in.Items {
		it := &in.Items[i]
		opts := it.Choices()
		if len(opts) == 0 {
			_ = cw.Write([]string{it.Code, SafeCell(it.Text.VI), "", ""})
		}
		for _, o := range opts {
			code := o.Key
			if it.Type != TypeMulti {
				code = strconv.Itoa(o.Code)
			}
			_ = cw.Write([]string{it.Code, SafeCell(it.Text.VI), code, SafeCell(o.Label.VI)})
		}
		if it.NA {
			_ = cw.Write([]string{it.Code, SafeCell(it.Text.VI), strconv.Itoa(NotApplicable), "Không áp dụng"})
		}
	}
	cw.Flush()
	return cw.Error()
}

// fixedColumns describes the raw file's columns before the items, and the
// codes of those that have some, in the codebook's four columns.
var fixedColumns = [][]string{
	{"id", "Mã phiếu trả lời (ObjectID, duy nhất)", "", ""},
	{"submitted_at", "Thời điểm gửi phiếu, giờ Việt Nam (RFC 3339, +07:00)", "", ""},
	{"desk", "Mã quầy", "", ""},
	{"unit", "Mã đơn vị", "", ""},
	{"channel", "Kênh tiếp nhận", ChannelQR, "Mã QR tại quầy"},
	{"channel", "Kênh tiếp nhận", ChannelReceipt, "Phiếu hẹn trả kết quả"},
	{"channel", "Kênh tiếp nhận", ChannelKiosk, "Máy tính bảng tại quầy"},
	{"channel", "Kênh tiếp nhận", ChannelPortal, "Cổng thông tin điện tử"},
	{"channel", "Kênh tiếp nhận", ChannelPaper, "Phiếu giấy"},
	{"instrument", "Phiếu khảo sát và phiên bản (mã@phiên bản)", "", ""},
	{"status", "Tình trạng phiếu (chỉ phiếu ok được tính vào chỉ số)", StatusOK, "Hợp lệ"},
	{"status", "Tình trạng phiếu (chỉ phiếu ok được tính vào chỉ số)", StatusSuspect, "Nghi vấn, chờ xem xét"},
	{"served", "Hình thức giải quyết (phiếu trên cổng thông tin)", ServedInPerson, "Trực tiếp"},
	{"served", "Hình thức giải quyết (phiếu trên cổng thông tin)", ServedOnlineFull, "Trực tuyến toàn trình"},
	{"served", "Hình thức giải quyết (phiếu trên cổng thông tin)", ServedOnlinePartial, "Trực tuyến một phần"},
	{"field", "Lĩnh vực thủ tục", "", ""},
	{"procedure", "Thủ tục hành chính", "", ""},
	{"serial", "Số sê-ri của phiếu giấy", "", ""},
	{"(nhiều lựa chọn)", "Câu hỏi nhiều lựa chọn: các mã được nối bằng dấu |, ví dụ radio|portal", "", ""},
	{"(để trống)", "Ô trống: câu hỏi không được trả lời", "", ""},
	{"comment", "Ý kiến của người dân (nội dung bắt đầu bằng = + - @ được thêm dấu ' ở đầu)", "", ""},
}
