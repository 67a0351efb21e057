package apptest

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hailong/dashboard/auth"
)

// AddUser creates an account straight in the store (as "hailong user add"
// does), with the password "matkhau-" + name unless one is given.
func (s *Site) AddUser(t testing.TB, name, role, unit string, password ...string) {
	t.Helper()
	pass := "matkhau-" + name
	if len(password) > 0 {
		pass = password[0]
	}
	if err := auth.CheckAccount(role, unit); err != nil {
		t.Fatalf("add user %s: %v", name, err)
	}
	hash, err := auth.HashPassword(pass)
	if err != nil {
		t.Fatal(err)
	}
	u := &auth.User{Username: name, Name: "Cán bộ " + name, Role: role, Unit: unit, PasswordHash: hash, CreatedAt: time.Now().UTC()}
	if err := s.App.Users.Insert(context.Background(), u); err != nil {
		t.Fatalf("add user %s: %v", name, err)
	}
}

// SheetRows reads every sheet of an XLSX with raw cell values.
func SheetRows(t testing.TB, b []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		if out[s], err = f.GetRows(s, excelize.Options{RawCellValue: true}); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// ReadCSV reads an export's CSV, which must start with a BOM (Excel needs
// it to read UTF-8).
func ReadCSV(t testing.TB, b []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(b, []byte("\uFEFF"))
	if !ok {
		t.Fatalf("CSV without BOM: %q", b[:min(len(b), 20)])
	}
	recs, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
