package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.yaml.in/yaml/v3"

	"hailong/internal/app/apptest"
	"hailong/survey"
)

func runCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	env := map[string]string{"HAILONG_DATA_DIR": dir, "HAILONG_ADMIN_PASSWORD": apptest.AdminPassword}
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return out.String(), err
}

func TestUnitsExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/units/vt-p1", map[string]any{"staff_cidrs": []string{"10.20.0.0/16"}}, nil); code != http.StatusOK {
		t.Fatalf("staff_cidrs: %d", code)
	}
	a.Stop(t)

	exported, err := runCmd(t, dir, "export", "units")
	if err != nil || !strings.Contains(exported, "UBND Phường 1") {
		t.Fatalf("export: %v\n%s", err, exported)
	}
	if !strings.Contains(exported, "staff_cidrs:\n      - 10.20.0.0/16") {
		t.Fatalf("export lacks vt-p1's staff_cidrs:\n%s", exported)
	}
	// A duplicate desk id (p1-q1 is vt-p1's) is refused, naming its line,
	// and nothing is written.
	dup := filepath.Join(t.TempDir(), "dup.yaml")
	_ = os.WriteFile(dup, []byte(exported+"  - id: vt-p13\n    name: UBND Phường 13\n    parent: vt\n    kind: ward\n    desks:\n      - id: p1-q1\n        name: X\n        instrument: counter\n"), 0o600)
	dupLine := strings.Count(exported, "\n") + 6
	if _, err := runCmd(t, dir, "import", dup); err == nil || !strings.Contains(err.Error(), "p1-q1") || !strings.Contains(err.Error(), fmt.Sprintf("dòng %d", dupLine)) {
		t.Errorf("import of a desk id listed twice: %v, want an error naming p1-q1 and line %d", err, dupLine)
	}
	if out, _ := runCmd(t, dir, "export", "units"); out != exported {
		t.Errorf("a refused import changed the tree:\n%s", out)
	}
	// Omitting staff_cidrs keeps them: only "staff_cidrs: []" clears them.
	exported = strings.Replace(exported, "    staff_cidrs:\n      - 10.20.0.0/16\n", "", 1)
	// Edit the file as an official would: rename a desk, add a unit with a desk.
	edited := strings.Replace(exported, "Quầy 2 – Chứng thực", "Quầy 2 – Chứng thực, sao y", 1) + `  - id: vt-p12
    name: UBND Phường 12
    parent: vt
    kind: ward
    desks:
      - id: p12-q1
        name: Quầy Một cửa
        instrument: counter
`
	file := filepath.Join(t.TempDir(), "units.yaml")
	if err := os.WriteFile(file, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, dir, "import", file)
	if err != nil || !strings.Contains(out, "units: 1 created") || !strings.Contains(out, "desks: 1 created") {
		t.Fatalf("import: %v %s", err, out)
	}
	again, err := runCmd(t, dir, "export", "units")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again, "Quầy 2 – Chứng thực, sao y") || !strings.Contains(again, "id: p12-q1") {
		t.Fatalf("export after import lacks the edits:\n%s", again)
	}
	var f survey.UnitFile
	if err := yaml.Unmarshal([]byte(again), &f); err != nil {
		t.Fatal(err)
	}
	for _, u := range f.Units {
		if u.ID == "vt-p1" && (u.StaffCIDRs == nil || !slices.Equal(*u.StaffCIDRs, []string{"10.20.0.0/16"})) {
			t.Errorf("an import without staff_cidrs wiped vt-p1's: %v", u.StaffCIDRs)
		}
		for _, d := range u.Desks {
			if d.ID == "p12-q1" && (d.Active == nil || !*d.Active) {
				t.Errorf("a desk imported without active: is inactive")
			}
		}
	}
	// Round trip: importing an export changes nothing.
	if err := os.WriteFile(file, []byte(again), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(t, dir, "import", "units", file); err != nil || !strings.Contains(out, "0 created") {
		t.Fatalf("re-import: %v %s", err, out)
	}
	if third, _ := runCmd(t, dir, "export", "units"); third != again {
		t.Errorf("import of an export changed the tree:\n%s", third)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	_ = os.WriteFile(bad, []byte("units:\n  - id: x\n    name: X\n    kind: ward\n    parent: khong-co\n"), 0o600)
	if _, err := runCmd(t, dir, "import", bad); err == nil || !strings.Contains(err.Error(), "parent") {
		t.Errorf("import of a unit with an unknown parent: %v", err)
	}
	// Every write of an import is in the audit log.
	n, err := openDataDir(t, dir).Collection("audit").CountDocuments(t.Context(), bson.D{{Key: "user", Value: "cli"},
		{Key: "action", Value: bson.D{{Key: "$in", Value: []string{"unit.create", "desk.create"}}}}, {Key: "target", Value: bson.D{{Key: "$in", Value: []string{"unit:vt-p12", "desk:p12-q1"}}}}})
	if err != nil || n != 2 {
		t.Errorf("audit entries for the imported unit and desk: %d (%v), want 2", n, err)
	}
}
