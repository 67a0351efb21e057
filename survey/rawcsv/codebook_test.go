package rawcsv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"hailong/survey"
)

// The codebook gives code 0 "Không áp dụng" for every item that allows it,
// and describes the fixed columns, with the codes of channel, status and
// served and the '|' of multi-choice answers.
func TestCodebookNAAndFixedColumns(t *testing.T) {
	ins, err := survey.LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := ins.Latest("counter")
	var buf bytes.Buffer
	if err := WriteCodebook(&buf, in); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, r := range recs {
		has[r[0]+"="+r[2]] = true
		if r[2] == "0" && r[3] != "Không áp dụng" {
			t.Errorf("code 0 of %s is %q", r[0], r[3])
		}
	}
	for _, it := range in.Items {
		if has[it.Code+"=0"] != it.NA {
			t.Errorf("item %s (na %v): code 0 listed %v", it.Code, it.NA, has[it.Code+"=0"])
		}
	}
	want := []string{"id=", "submitted_at=", "status=ok", "status=suspect", "served=online_full"}
	for _, ch := range survey.Channels {
		want = append(want, "channel="+ch)
	}
	for _, k := range want {
		if !has[k] {
			t.Errorf("codebook lacks %s", k)
		}
	}
	if !strings.Contains(buf.String(), "dấu |") || !strings.Contains(buf.String(), "+07:00") {
		t.Errorf("codebook does not explain '|' or the time zone")
	}
}
