package rawcsv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"hailong/survey"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+84 90": "'+84 90", "-5": "'-5", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"Tốt": "Tốt", "": "", "a=b": "a=b",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRawWriterAndCodebook(t *testing.T) {
	ins, err := survey.LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := ins.Latest("counter")
	var buf bytes.Buffer
	flushes := 0
	rw, err := NewWriter(&buf, in, func() { flushes++ })
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 31, 16, 30, 0, 0, time.UTC) // 23:30 in Vietnam
	r := &survey.Response{ID: bson.NewObjectID(), Instrument: in.ID(), Desk: "p1-q1", Unit: "vt-p1", Channel: survey.ChannelQR, Status: survey.StatusOK,
		Answers: map[string]int{"a": 4, "d": 0}, Choices: map[string][]string{"heard": {"radio", "portal"}}, Comment: "=cmd", SubmittedAt: at}
	for i := 0; i < 1500; i++ {
		if err := rw.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	if flushes != 2 {
		t.Errorf("%d flushes, want 2 (at 1,000 rows and at the end)", flushes)
	}
	body, ok := strings.CutPrefix(buf.String(), "\uFEFF")
	if !ok {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 1501 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	row := map[string]string{}
	for i, h := range recs[0] {
		row[h] = recs[1][i]
	}
	if row["submitted_at"] != "2024-05-31T23:30:00+07:00" || row["a"] != "4" || row["d"] != "0" || row["b"] != "" ||
		row["heard"] != "radio|portal" || row["comment"] != "'=cmd" {
		t.Errorf("row %v", row)
	}
	buf.Reset()
	if err := WriteCodebook(&buf, in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "online_next,") || !strings.Contains(buf.String(), ",radio,") {
		t.Errorf("codebook lacks options:\n%s", buf.String())
	}
}
