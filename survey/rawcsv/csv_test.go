package rawcsv

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"testing"
)

func TestCSVWriterQuotesSemicolons(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"Tốt; nhưng chờ lâu", "2"}, "\"Tốt; nhưng chờ lâu\",2\n"},
		{[]string{"a,b", `nói "tốt"`, "x\ny", " lề", ""}, "\"a,b\",\"nói \"\"tốt\"\"\",\"x\ny\",\" lề\",\n"},
		{[]string{"Tốt", "'=1+1", "83.9"}, "Tốt,'=1+1,83.9\n"},
	} {
		var buf bytes.Buffer
		cw := NewCSVWriter(&buf)
		_ = cw.Write(tc.in)
		cw.Flush()
		if got := buf.String(); got != tc.want || cw.Error() != nil {
			t.Errorf("Write(%q) = %q, want %q (%v)", tc.in, got, tc.want, cw.Error())
		}
		// encoding/csv reads it back unchanged, and so does a reader
		// splitting on ';' (Excel vi-VN) for the fields that hold one.
		back, err := csv.NewReader(&buf).Read()
		if err != nil || !reflect.DeepEqual(back, tc.in) {
			t.Errorf("read back %q, %v; want %q", back, err, tc.in)
		}
	}
	var buf bytes.Buffer
	cw := NewCSVWriter(&buf)
	_ = cw.Write([]string{"Tốt; nhưng chờ lâu"})
	cw.Flush()
	r := csv.NewReader(&buf)
	r.Comma = ';'
	if rec, err := r.Read(); err != nil || len(rec) != 1 {
		t.Errorf("a ';' reader splits the cell: %q %v", rec, err)
	}
}
