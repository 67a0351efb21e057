package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hailong/dashboard/plan"
	"hailong/internal/app/apptest"
)

// TestImportPlanCommand runs "hailong import plan" as an official would:
// the shipped plan imports into a city without one, a re-import changes
// nothing and keeps reported progress, a malformed file fails naming its
// line and stores nothing; these commands and "hailong user …" are
// audited as "cli".
func TestImportPlanCommand(t *testing.T) {
	demo := t.TempDir()
	a := startApp(t, demo, nil)
	a.Stop(t)
	unitsYAML, err := runCmd(t, demo, "export", "units")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a = startApp(t, dir, map[string]string{"HAILONG_DEMO": "false"})
	a.Stop(t)
	files := map[string]string{
		"units.yaml": unitsYAML,
		"plan.yaml":  string(plan.DemoPlan()),
		"bad.yaml":   "plan:\n  code: x\n  title: X\ntasks:\n  - id: a-1\n    unit: vt-p1\n    title: Một\n    channel: radio\n    due: 2024-01-31\n  - id: a-2\n    unit: vt-p1\n    title: Hai\n    channel: bồ-câu\n    due: 2024-02-28\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := func(name string) string { return filepath.Join(dir, name) }
	if out, err := runCmd(t, dir, "import", "units", path("units.yaml")); err != nil {
		t.Fatalf("import units: %v %s", err, out)
	}
	out, err := runCmd(t, dir, "import", "plan", path("plan.yaml"))
	if err != nil || !strings.Contains(out, "20 tasks created, 0 updated") {
		t.Fatalf("import plan: %v %q", err, out)
	}
	out, err = runCmd(t, dir, "import", "plan", path("plan.yaml"))
	if err != nil || !strings.Contains(out, "0 tasks created, 20 updated") {
		t.Fatalf("re-import plan: %v %q", err, out)
	}
	out, err = runCmd(t, dir, "import", "plan", path("bad.yaml"))
	if err == nil || !strings.Contains(err.Error(), "line 10") || !strings.Contains(err.Error(), "bồ-câu") {
		t.Fatalf("malformed plan: %v %q, want an error naming line 10 and the channel", err, out)
	}
	for _, args := range [][]string{
		{"user", "add", "p1", "-role", "unit_manager", "-unit", "vt-p1", "-password", "matkhau-p1"},
		{"user", "passwd", "p1", "-password", "matkhau-moi-p1"},
		{"user", "disable", "p1"},
		{"user", "enable", "p1"},
	} {
		if out, err := runCmd(t, dir, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}

	a = startApp(t, dir, map[string]string{"HAILONG_DEMO": "false"})
	var tasks []struct{ ID string }
	if code := apptest.GetJSON(t, a.URL+"/api/v1/plan-tasks", &tasks); code != 200 || len(tasks) != 20 {
		t.Errorf("plan-tasks: %d, %d tasks, want the shipped 20 (nothing of the malformed file)", code, len(tasks))
	}
	var entries []struct{ User, Action, Target string }
	apptest.GetJSON(t, a.URL+"/api/v1/audit", &entries)
	got := map[string]int{}
	for _, e := range entries {
		if e.User == "cli" {
			got[e.Action+" "+e.Target]++
		}
	}
	for want, n := range map[string]int{
		"units.import file:units.yaml": 1, "plan.import plan:vt-tt-cchc-2024": 2,
		"user.create user:p1": 1, "user.password user:p1": 1, "user.disable user:p1": 1, "user.enable user:p1": 1,
	} {
		if got[want] != n {
			t.Errorf("audit %q by cli: %d entries, want %d (all: %v)", want, got[want], n, got)
		}
	}
	if got["plan.import plan:x"] != 0 {
		t.Error("the malformed plan was audited")
	}
}
