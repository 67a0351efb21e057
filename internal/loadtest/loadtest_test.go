package loadtest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"hailong/internal/cli"
	"strings"
	"testing"
	"time"
)

// TestLoadtestTable checks the readable report and the flags' checks.
func TestLoadtestTable(t *testing.T) {
	r := newRecorder("submit POST")
	for i := range 100 {
		r.done(time.Duration(i+1)*time.Millisecond, 303, nil)
	}
	r.done(0, 0, context.DeadlineExceeded)
	e := r.report(time.Second)
	if e.Count != 101 || e.P50 != 51 || e.P99 != 100 || e.Max != 100 || e.Status["errors"] != 1 {
		t.Errorf("report = %+v", e)
	}
	rep := &loadReport{URLs: []string{"http://x"}, Mode: "open", Rate: 10, Endpoints: []endpointReport{e, e}, Acknowledged: 100,
		BaselineBefore: &baselineFigures{InsertOne: 200, Echo: 101}, BaselineAfter: &baselineFigures{InsertOne: 200, Echo: 101}}
	rep.ratios()
	var b bytes.Buffer
	rep.print(&b)
	for _, want := range []string{"submit POST", "acknowledged answers (303): 100", "submit throughput ÷ insertOne:  0.51", "Echo:     1.00"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	for _, args := range [][]string{
		{"-url", "ftp://x", "-password", "p"},
		{"-url", "http://x"},
		{"-url", "http://x", "-password", "p", "-baseline"},
		{"-url", "http://x", "-password", "p", "-rate", "0"},
		{"-url", "http://x", "-password", "p", "-bogus"},
	} {
		_, err := ParseFlags(args, func(string) string { return "" }, &bytes.Buffer{})
		if ue := (*cli.UsageError)(nil); !errors.As(err, &ue) {
			t.Errorf("ParseFlags(%q) = %v, want a *cli.UsageError", args, err)
		}
	}
}

// TestParseFlagsHelp checks that -h lists the flags and is not a mistake.
func TestParseFlagsHelp(t *testing.T) {
	var stderr bytes.Buffer
	_, err := ParseFlags([]string{"-h"}, func(string) string { return "" }, &stderr)
	if !errors.Is(err, flag.ErrHelp) || !strings.HasPrefix(stderr.String(), "Usage of hailong loadtest:") || !strings.Contains(stderr.String(), "-baseline-goroutines") {
		t.Errorf("-h: %v\n%s", err, stderr.String())
	}
	c, err := ParseFlags([]string{"-url", "http://a/, http://b"}, func(k string) string {
		return map[string]string{"HAILONG_ADMIN_PASSWORD": "pw", "HAILONG_MONGO_DB": "db"}[k]
	}, &stderr)
	if err != nil || c.Password != "pw" || c.MongoDB != "db" || len(c.URLs) != 2 || c.URLs[0] != "http://a" || c.URLs[1] != "http://b" {
		t.Errorf("ParseFlags = %+v, %v", c, err)
	}
}

// TestParseSurveyForm reads the survey form's action and hidden fields,
// ignoring other forms and inputs.
func TestParseSurveyForm(t *testing.T) {
	page := `<form action="/other"><input type="hidden" name="x" value="1"></form>
<form class="survey big" action="/s/abc" method="post"><input type="hidden" name="_csrf" value="tok">
<input type="radio" name="q1" value="5"><input type="hidden" name="t" value="ticket"></form>
<form class="survey" action="/second"><input type="hidden" name="y" value="2"></form>`
	action, hidden, err := ParseSurveyForm(strings.NewReader(page))
	if err != nil || action != "/s/abc" || hidden.Encode() != "_csrf=tok&t=ticket" {
		t.Errorf("ParseSurveyForm = %q %v %v", action, hidden, err)
	}
}
