package rawcsv

import (
	"io"
	"strconv"

	"hailong/survey"
)

// WriteCodebook writes the codebook of in: item code, Vietnamese text,
// option code (or key) and Vietnamese label, one row per option.
func WriteCodebook(w io.Writer, in *survey.Instrument) error {
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
			if it.Type != survey.TypeMulti {
				code = strconv.Itoa(o.Code)
			}
			_ = cw.Write([]string{it.Code, SafeCell(it.Text.VI), code, SafeCell(o.Label.VI)})
		}
		if it.NA {
			_ = cw.Write([]string{it.Code, SafeCell(it.Text.VI), strconv.Itoa(survey.NotApplicable), "Không áp dụng"})
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
	{"channel", "Kênh tiếp nhận", survey.ChannelQR, "Mã QR tại quầy"},
	{"channel", "Kênh tiếp nhận", survey.ChannelReceipt, "Phiếu hẹn trả kết quả"},
	{"channel", "Kênh tiếp nhận", survey.ChannelKiosk, "Máy tính bảng tại quầy"},
	{"channel", "Kênh tiếp nhận", survey.ChannelPortal, "Cổng thông tin điện tử"},
	{"channel", "Kênh tiếp nhận", survey.ChannelPaper, "Phiếu giấy"},
	{"instrument", "Phiếu khảo sát và phiên bản (mã@phiên bản)", "", ""},
	{"status", "Tình trạng phiếu (chỉ phiếu ok được tính vào chỉ số)", survey.StatusOK, "Hợp lệ"},
	{"status", "Tình trạng phiếu (chỉ phiếu ok được tính vào chỉ số)", survey.StatusSuspect, "Nghi vấn, chờ xem xét"},
	{"served", "Hình thức giải quyết (phiếu trên cổng thông tin)", survey.ServedInPerson, "Trực tiếp"},
	{"served", "Hình thức giải quyết (phiếu trên cổng thông tin)", survey.ServedOnlineFull, "Trực tuyến toàn trình"},
	{"served", "Hình thức giải quyết (phiếu trên cổng thông tin)", survey.ServedOnlinePartial, "Trực tuyến một phần"},
	{"field", "Lĩnh vực thủ tục", "", ""},
	{"procedure", "Thủ tục hành chính", "", ""},
	{"serial", "Số sê-ri của phiếu giấy", "", ""},
	{"(nhiều lựa chọn)", "Câu hỏi nhiều lựa chọn: các mã được nối bằng dấu |, ví dụ radio|portal", "", ""},
	{"(để trống)", "Ô trống: câu hỏi không được trả lời", "", ""},
	{"comment", "Ý kiến của người dân (nội dung bắt đầu bằng = + - @ được thêm dấu ' ở đầu)", "", ""},
}
