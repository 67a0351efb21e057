package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	env := map[string]string{"HAILONG_DATA_DIR": dir, "HAILONG_ADMIN_PASSWORD": testAdminPassword}
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return out.String(), err
}

func TestUnitsExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	a.Stop(t)

	exported, err := runCmd(t, dir, "export", "units")
	if err != nil || !strings.Contains(exported, "UBND Phường 1") {
		t.Fatalf("export: %v\n%s", err, exported)
	}
	// Edit the file as an official would: rename a desk, add a unit with a desk.
	edited := strings.Replace(exported, "Quầy 2 – Chứng thực", "Quầy 2 – Chứng thực, sao y", 1) + `  - id: vt-p12
    name: UBND Phường 12
    parent: vt
    kind: ward
    desks:
      - id: p12-q1
        name: Quầy Một cửa
        instrument: counter
        active: true
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
}
