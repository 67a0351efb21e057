package survey

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// valuesFromBytes builds form values from raw bytes, with names and values
// that no URL encoding would produce: pairs split by 0x00, name from value
// by 0x01.
func valuesFromBytes(b []byte) url.Values {
	v := url.Values{}
	for _, pair := range bytes.Split(b, []byte{0}) {
		name, value, _ := bytes.Cut(pair, []byte{1})
		v.Add(string(name), string(value))
	}
	return v
}

// FuzzSubmit: whatever a client sends, the submission parser never panics
// and the submit handler answers 2xx, 3xx or 4xx, never 5xx. Run longer with
//
//	go test ./survey -run '^$' -fuzz FuzzSubmit -fuzztime 60s
func FuzzSubmit(f *testing.F) {
	for _, seed := range []string{
		validForm().Encode(),
		"overall=5&a=4&b=5&c=3&d=0&e=2&harass=1&online_next=3",
		"overall=9&a=-1&b=5.5&c=&heard=radio&heard=none&comment=%00%C3%28",
		"overall=5&overall=4&website=http%3A%2F%2Fspam",
		"overall=1&unknown=x&lang=xx&t=forged.ticket",
		"heard=radio&heard=radio&heard=radio&comment=" + url.QueryEscape(string(make([]byte, 3000))),
		"%zz=%zz&&=&a",
	} {
		f.Add(seed, []byte("overall\x015\x00a\x01\xff\xfe"))
	}
	set, err := LoadInstruments()
	if err != nil {
		f.Fatal(err)
	}
	in, _ := set.Latest("counter")
	site := newTestSite(f, HandlerConfig{Limits: Limits{MinFill: 5 * time.Second}})

	f.Fuzz(func(t *testing.T, raw string, bin []byte) {
		// The parser alone, on values a browser could send and on ones it could not.
		parsed, _ := url.ParseQuery(raw)
		for _, v := range []url.Values{parsed, valuesFromBytes(bin)} {
			a, err := Validate(in, v)
			if err == nil {
				for code, n := range a.Scores {
					if it, ok := in.Item(code); !ok || n < NotApplicable || (n == NotApplicable && !it.NA) {
						t.Fatalf("Validate accepted %s=%d from %q", code, n, v)
					}
				}
			}
		}
		// Through HTTP: the raw body as sent, then the same answers with a
		// valid ticket and CSRF token, so the fuzzer reaches past them.
		for _, rec := range []int{
			site.postRaw(raw).Code,
			site.post(parsed).Code,
			site.post(valuesFromBytes(bin)).Code,
		} {
			if rec >= http.StatusInternalServerError || rec < http.StatusOK {
				t.Fatalf("status %d for body %q / %q", rec, raw, bin)
			}
		}
	})
}
