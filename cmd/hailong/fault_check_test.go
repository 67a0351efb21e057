package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"hailong/internal/app/apptest"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// ackedStored checks the promise of a 303: every acknowledged answer is
// stored, exactly once. It returns how many are missing (lost) and how
// many nonces are stored more than once (duplicates).
func ackedStored(t *testing.T, all []survey.Response, acked map[string]int) (lost, duplicates int) {
	t.Helper()
	byNonce := map[string]int{}
	for _, r := range all {
		byNonce[r.Nonce]++
	}
	for _, n := range byNonce {
		if n > 1 {
			duplicates++
		}
	}
	for nonce := range acked {
		if byNonce[nonce] == 0 {
			lost++
		}
	}
	if len(acked) == 0 {
		t.Fatal("no answer was acknowledged: the run proves nothing")
	}
	if lost > 0 || duplicates > 0 {
		t.Errorf("%d acknowledged answers lost, %d nonces stored twice (of %d acknowledged, %d stored)",
			lost, duplicates, len(acked), len(all))
	}
	return lost, duplicates
}

// indicatorsSnap is what a running app's indicators API said about the
// days from..to, pooled and per unit, to compare with a recount once the
// stored responses can be read.
type indicatorsSnap struct {
	from, to time.Time // Vietnam midnights, to inclusive
	raw      map[string]json.RawMessage
}

// indicatorsOver reads the indicators of the Vietnam days of from..to.
func indicatorsOver(t *testing.T, base string, from, to time.Time) indicatorsSnap {
	t.Helper()
	day1, day2 := from.In(period.Vietnam).Format("2006-01-02"), to.In(period.Vietnam).Format("2006-01-02")
	s := indicatorsSnap{raw: map[string]json.RawMessage{}}
	s.from, _ = time.ParseInLocation("2006-01-02", day1, period.Vietnam)
	s.to, _ = time.ParseInLocation("2006-01-02", day2, period.Vietnam)
	for _, agg := range []string{rollup.AggPooled, rollup.AggUnits} {
		q := url.Values{"from": {day1}, "to": {day2}, "agg": {agg}}
		var raw json.RawMessage
		if code := apptest.GetJSON(t, base+"/api/v1/indicators?"+q.Encode(), &raw); code != http.StatusOK {
			t.Fatalf("GET indicators?%s: %d", q.Encode(), code)
		}
		s.raw[agg] = raw
	}
	return s
}

// equalRecount compares the snapshot with the figures recomputed from the
// stored responses, to the last digit (see TestRollupsEqualRecount in
// dashboard/overview), and returns the number of answers counted.
func (s indicatorsSnap) equalRecount(t *testing.T, all []survey.Response) int64 {
	t.Helper()
	instruments, err := survey.LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := instruments.Latest("counter")
	sel := func(r survey.Response) bool {
		return r.Status == survey.StatusOK && r.Instrument == in.ID() &&
			!r.SubmittedAt.Before(s.from) && r.SubmittedAt.Before(s.to.AddDate(0, 0, 1))
	}
	var n int64
	for agg, raw := range s.raw {
		want := rollup.Compute(in, apptest.TallyOf(all, sel), agg, "vi")
		apptest.AssertSameFigures(t, "indicators agg="+agg, raw, want)
		n = want.N
	}
	return n
}
