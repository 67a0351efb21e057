package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
)

// loadtestReport is the part of "hailong loadtest -json"'s report that
// TestLoadtestAgainstApp checks.
type loadtestReport struct {
	Acknowledged int64 `json:"acknowledged"`
	Endpoints    []struct {
		Count      int64            `json:"count"`
		Throughput float64          `json:"throughput_per_s"`
		P99        float64          `json:"p99_ms"`
		Max        float64          `json:"max_ms"`
		Status     map[string]int64 `json:"status"`
	} `json:"endpoints"`
}

// TestLoadtestAgainstApp drives the real app with the load tool for 2 s at
// 50 citizens/s (limits relaxed by configuration, as startApp does) and
// checks that every acknowledged answer is stored: the tool's 303 count is
// the count in the store.
func TestLoadtestAgainstApp(t *testing.T) {
	if testing.Short() {
		t.Skip("2 s of load")
	}
	a := startApp(t, t.TempDir(), nil)
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := run(ctx, []string{"loadtest", "-url", a.URL, "-rate", "50", "-duration", "2s", "-password", apptest.AdminPassword, "-json"},
		func(string) string { return "" }, &out, &errb)
	if err != nil {
		t.Fatalf("loadtest: %v\n%s", err, errb.String())
	}
	var rep loadtestReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	form, submit := rep.Endpoints[0], rep.Endpoints[1]
	if submit.Count < 90 || submit.Count > 110 {
		t.Errorf("submissions = %d, want about 100", submit.Count)
	}
	if submit.Status["303"] != submit.Count || form.Status["2xx"] != form.Count || form.Count != submit.Count {
		t.Errorf("not all clean: form %v, submit %v", form.Status, submit.Status)
	}
	if submit.Status["5xx"]+form.Status["5xx"] != 0 || rep.Acknowledged != submit.Status["303"] {
		t.Errorf("5xx or ack mismatch: %+v", rep)
	}
	if submit.P99 <= 0 || submit.Max < submit.P99 || submit.Throughput <= 0 {
		t.Errorf("latencies: %+v", submit)
	}

	// Closed loop, form only: nothing is submitted, so the count below
	// still holds.
	out.Reset()
	err = run(ctx, []string{"loadtest", "-url", a.URL + "," + a.URL, "-workers", "2", "-duration", "500ms", "-desks", "2", "-form-only", "-password", apptest.AdminPassword},
		func(string) string { return "" }, &out, &errb)
	if err != nil || !strings.Contains(out.String(), "closed loop, 2 workers") || !strings.Contains(out.String(), "acknowledged answers (303): 0") {
		t.Errorf("closed loop: %v\n%s", err, out.String())
	}
	a.Stop(t)
	n, err := openDataDir(t, a.DataDir).Collection("responses").CountDocuments(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if n != rep.Acknowledged {
		t.Errorf("stored %d responses, the tool got %d acknowledgements", n, rep.Acknowledged)
	}
}
