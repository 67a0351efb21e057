package plan

import (
	"context"
	"strings"
	"testing"
	"time"

	"hailong/internal/testdb"
	"hailong/survey"
)

func TestPlanImport(t *testing.T) {
	ctx := context.Background()
	db := testdb.Mongo(t)
	store := survey.NewStore(db)
	if _, err := store.SeedDemo(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	units, _ := store.Units(ctx)
	f, err := ParsePlan(DemoPlan(), units)
	if err != nil {
		t.Fatalf("shipped plan: %v", err)
	}
	tasks := NewTasks(db)
	created, updated, err := tasks.Import(ctx, f)
	if err != nil || created != len(f.Tasks) || updated != 0 || created < 15 {
		t.Fatalf("first import: %d created, %d updated, %v", created, updated, err)
	}
	// A manager reports progress; a re-import keeps it and adds nothing.
	now := time.Date(2024, 7, 1, 9, 0, 0, 0, time.UTC)
	task, _ := tasks.Get(ctx, "ttvh-to-roi", now)
	task.Status, task.Progress, task.UpdatedAt = TaskDoing, 60, now
	if err := tasks.Save(ctx, task); err != nil {
		t.Fatal(err)
	}
	created, updated, err = tasks.Import(ctx, f)
	if err != nil || created != 0 || updated != len(f.Tasks) {
		t.Fatalf("re-import: %d created, %d updated, %v", created, updated, err)
	}
	all, _ := tasks.List(ctx, now)
	if len(all) != len(f.Tasks) {
		t.Fatalf("%d tasks after re-import, want %d", len(all), len(f.Tasks))
	}
	task, _ = tasks.Get(ctx, "ttvh-to-roi", now)
	if task.Status != TaskDoing || task.Progress != 60 {
		t.Errorf("re-import lost the reported status: %+v", task)
	}
	// Due 31/05/2024, not done on 01/07/2024: overdue.
	if !task.Overdue {
		t.Error("a task past its due date is not overdue")
	}

	for name, tc := range map[string]struct{ yaml, want string }{
		"syntax":        {"plan: {code: x, title: y}\ntasks:\n  - id: a\n    unit: [", "line 4"},
		"unknown unit":  {"plan: {code: x, title: y}\ntasks:\n  - id: a\n    unit: khong-co\n    title: T\n    channel: radio\n    due: 2024-01-01\n", "line 3"},
		"bad channel":   {"plan: {code: x, title: y}\ntasks:\n  - id: a\n    unit: vt\n    title: T\n    channel: tv\n    due: 2024-01-01\n", "unknown channel"},
		"no due":        {"plan: {code: x, title: y}\ntasks:\n  - id: a\n    unit: vt\n    title: T\n    channel: radio\n", "either due"},
		"unknown field": {"plan: {code: x, title: y}\ntasks:\n  - id: a\n    unit: vt\n    titel: T\n", "line 5"},
	} {
		if _, err := ParsePlan([]byte(tc.yaml), units); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", name, err, tc.want)
		}
	}
}
