package loadtest

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// statusClasses are the columns of the report, in order: what a load test
// of this service needs to tell apart (303 stored, 422 refused answers,
// 429 limits, 5xx failures, errors = no HTTP answer at all).
var statusClasses = []string{"2xx", "303", "422", "429", "5xx", "other", "errors"}

// recorder collects one endpoint's latencies and statuses.
type recorder struct {
	name   string
	mu     sync.Mutex
	lat    []time.Duration
	counts map[string]int64
}

func newRecorder(name string) *recorder {
	return &recorder{name: name, counts: map[string]int64{}}
}

// done records one request: err means no usable answer (status 0) or a
// page that could not be read.
func (r *recorder) done(d time.Duration, status int, err error) {
	class := "other"
	switch {
	case status == 0 || (err != nil && status < 400):
		class = "errors"
	case status == 303:
		class = "303"
	case status == 422 || status == 429:
		class = fmt.Sprint(status)
	case status >= 200 && status < 300:
		class = "2xx"
	case status >= 500:
		class = "5xx"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[class]++
	if status != 0 {
		r.lat = append(r.lat, d)
	}
}

func (r *recorder) status(class string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[class]
}

// endpointReport is one row of the report; latencies in milliseconds, of
// the requests that got an HTTP answer.
type endpointReport struct {
	Endpoint   string           `json:"endpoint"`
	Count      int64            `json:"count"`
	Throughput float64          `json:"throughput_per_s"`
	P50        float64          `json:"p50_ms"`
	P95        float64          `json:"p95_ms"`
	P99        float64          `json:"p99_ms"`
	Max        float64          `json:"max_ms"`
	Status     map[string]int64 `json:"status"`
}

func (r *recorder) report(elapsed time.Duration) endpointReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := endpointReport{Endpoint: r.name, Status: map[string]int64{}}
	for _, c := range statusClasses {
		e.Status[c] = r.counts[c]
		e.Count += r.counts[c]
	}
	if elapsed > 0 {
		e.Throughput = float64(e.Count) / elapsed.Seconds()
	}
	lat := slices.Clone(r.lat)
	slices.Sort(lat)
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(p * float64(len(lat)))
		return ms(lat[min(i, len(lat)-1)])
	}
	e.P50, e.P95, e.P99 = q(0.50), q(0.95), q(0.99)
	if len(lat) > 0 {
		e.Max = ms(lat[len(lat)-1])
	}
	return e
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// loadReport is everything "hailong loadtest" prints (-json: as is).
type loadReport struct {
	URLs           []string         `json:"urls"`
	Desks          int              `json:"desks"`
	Mode           string           `json:"mode"` // open or closed loop
	Rate           float64          `json:"rate,omitempty"`
	Workers        int              `json:"workers,omitempty"`
	Duration       string           `json:"duration"`
	Think          string           `json:"think"`
	FormOnly       bool             `json:"form_only,omitempty"`
	Elapsed        float64          `json:"elapsed_s"` // load plus drain
	Endpoints      []endpointReport `json:"endpoints"`
	Acknowledged   int64            `json:"acknowledged"` // answers that got a 303
	Skipped        int64            `json:"skipped"`      // open loop: in-flight cap reached
	Unfinished     int64            `json:"unfinished"`   // cut at the drain deadline
	BaselineBefore *baselineFigures `json:"baseline_before,omitempty"`
	BaselineAfter  *baselineFigures `json:"baseline_after,omitempty"`
	Ratios         *baselineRatios  `json:"ratios,omitempty"`
}

// baselineFigures are the bare loops' throughputs, per second.
type baselineFigures struct {
	InsertOne float64 `json:"insert_one_per_s"`
	// InsertGoroutines run the insertOne loop.
	InsertGoroutines int     `json:"insert_one_goroutines"`
	InsertMany       float64 `json:"insert_many_docs_per_s"`
	Echo             float64 `json:"echo_page_per_s"`
}

// baselineRatios compare our figures with the mean of the baselines
// before and after: the machine is shared and drifts, ratios do not.
type baselineRatios struct {
	SubmitPerInsertOne float64 `json:"submit_per_insert_one"`
	FormPerEcho        float64 `json:"form_get_per_echo"`
	Note               string  `json:"note,omitempty"`
}

func (r *loadReport) ratios() {
	b, a := r.BaselineBefore, r.BaselineAfter
	if b == nil || a == nil {
		return
	}
	div := func(x, y float64) float64 {
		if y == 0 {
			return 0
		}
		return x / y
	}
	r.Ratios = &baselineRatios{
		SubmitPerInsertOne: div(r.Endpoints[1].Throughput, (b.InsertOne+a.InsertOne)/2),
		FormPerEcho:        div(r.Endpoints[0].Throughput, (b.Echo+a.Echo)/2),
	}
	switch {
	case r.Mode == "open":
		r.Ratios.Note = "open loop: our throughput is at most the offered rate, so a ratio below the target may mean the rate was too low, not the service too slow; use -workers to measure capacity"
	case !r.FormOnly:
		r.Ratios.Note = "closed loop: each worker also submits, so the form GET figure is not the form page's capacity; run again with -form-only for it"
	}
}

func (r *loadReport) modeText() string {
	if r.Mode == "closed" {
		return fmt.Sprintf("closed loop, %d workers", r.Workers)
	}
	return fmt.Sprintf("open loop, %g citizens/s", r.Rate)
}

func (r *loadReport) print(w io.Writer) {
	fmt.Fprintf(w, "Load test: %s, %s, think %s, %d desks, %s", strings.Join(r.URLs, ", "), r.modeText(), r.Think, r.Desks, r.Duration)
	if r.FormOnly {
		fmt.Fprint(w, ", form only")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "endpoint\tcount\tper s\tp50 ms\tp95 ms\tp99 ms\tmax ms\t%s\t\n", strings.Join(statusClasses, "\t"))
	for _, e := range r.Endpoints {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f", e.Endpoint, e.Count, e.Throughput, e.P50, e.P95, e.P99, e.Max)
		for _, c := range statusClasses {
			fmt.Fprintf(tw, "\t%d", e.Status[c])
		}
		fmt.Fprint(tw, "\t\n")
	}
	tw.Flush()
	fmt.Fprintf(w, "acknowledged answers (303): %d; elapsed %.1f s", r.Acknowledged, r.Elapsed)
	if r.Skipped > 0 || r.Unfinished > 0 {
		fmt.Fprintf(w, "; not started (in-flight cap): %d; cut at the drain deadline: %d", r.Skipped, r.Unfinished)
	}
	fmt.Fprintln(w)
	if r.BaselineBefore == nil {
		return
	}
	fmt.Fprintln(w, "\nBaselines (same store, same machine)    before      after")
	row := func(name string, b, a float64) { fmt.Fprintf(w, "  %-36s %9.0f  %9.0f\n", name, b, a) }
	row(fmt.Sprintf("bare insertOne, docs/s (%d goroutines)", r.BaselineBefore.InsertGoroutines), r.BaselineBefore.InsertOne, r.BaselineAfter.InsertOne)
	row("bare InsertMany ×500, docs/s", r.BaselineBefore.InsertMany, r.BaselineAfter.InsertMany)
	row("bare Echo page, GET/s", r.BaselineBefore.Echo, r.BaselineAfter.Echo)
	if r.Ratios != nil {
		fmt.Fprintf(w, "submit throughput ÷ insertOne:  %.2f\n", r.Ratios.SubmitPerInsertOne)
		fmt.Fprintf(w, "form GET throughput ÷ Echo:     %.2f\n", r.Ratios.FormPerEcho)
		if r.Ratios.Note != "" {
			fmt.Fprintln(w, "note:", r.Ratios.Note)
		}
	}
}
