// Package loadtest is "hailong loadtest": it simulates citizens' phones
// against a running service (GET a desk's form, think, POST sampled
// answers), open or closed loop, and reports throughput, latency and
// status classes per endpoint. With -baseline it also measures bare
// MongoDB insert loops and a bare Echo page on the same machine, before
// and after the run, and reports the ratios.
package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hailong/internal/cli"
	"hailong/survey"
)

// Config is "hailong loadtest"'s flags, as ParseFlags reads them.
type Config struct {
	URLs               []string
	Rate               float64
	Duration           time.Duration
	Workers            int
	Think              time.Duration
	Desks              int
	User, Password     string
	Baseline           bool
	FormOnly           bool
	BaselineFor        time.Duration
	InsertGoroutines   int // of the bare insertOne loop
	MongoURI, MongoDB  string
	JSON               bool
	Seed               uint64
	Timeout, DrainWait time.Duration
}

// ParseFlags reads the flags of "hailong loadtest" from args, with
// defaults from getenv (HAILONG_ADMIN_PASSWORD, HAILONG_MONGO_URI,
// HAILONG_MONGO_DB). Mistakes are a *cli.UsageError; -h prints the flags on
// stderr and returns flag.ErrHelp.
func ParseFlags(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("hailong loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	urls := fs.String("url", "", "base URL of the service; a comma-separated list is used round-robin (several replicas)")
	fs.Float64Var(&c.Rate, "rate", 50, "citizens started per second (open loop, when -workers is 0)")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "how long citizens are started")
	fs.IntVar(&c.Workers, "workers", 0, "closed loop: N citizens one after another each, instead of -rate")
	fs.DurationVar(&c.Think, "think", 0, "time between showing the form and sending it (HAILONG_SUSPECT_MIN_FILL flags answers faster than that)")
	fs.IntVar(&c.Desks, "desks", 0, "spread answers over this many desks (0: all active desks)")
	fs.StringVar(&c.User, "user", "admin", "official account listing the desks (HTTP Basic)")
	fs.StringVar(&c.Password, "password", getenv("HAILONG_ADMIN_PASSWORD"), "its password (HAILONG_ADMIN_PASSWORD)")
	fs.BoolVar(&c.FormOnly, "form-only", false, "citizens only fetch the form (with -workers: the form page's capacity, to compare with the bare Echo page)")
	fs.BoolVar(&c.Baseline, "baseline", false, "measure bare insertOne/InsertMany loops and a bare Echo page before and after, and print ratios")
	fs.DurationVar(&c.BaselineFor, "baseline-duration", 3*time.Second, "how long each baseline loop runs")
	fs.IntVar(&c.InsertGoroutines, "baseline-goroutines", 8, "goroutines of the bare insertOne loop (8 is its best on 2 cores; see docs/BENCHMARKS.md)")
	fs.StringVar(&c.MongoURI, "mongo-uri", getenv("HAILONG_MONGO_URI"), "the store the service uses, for -baseline (HAILONG_MONGO_URI)")
	db := getenv("HAILONG_MONGO_DB")
	if db == "" {
		db = "hailong"
	}
	fs.StringVar(&c.MongoDB, "mongo-db", db, "its database (HAILONG_MONGO_DB); the baseline writes to a throw-away collection loadtest_baseline")
	fs.BoolVar(&c.JSON, "json", false, "print the report as JSON")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed of the answers")
	fs.DurationVar(&c.Timeout, "timeout", 30*time.Second, "timeout of one request")
	fs.DurationVar(&c.DrainWait, "drain", 30*time.Second, "longest wait for in-flight citizens after -duration")
	if err := cli.ParseFlags(fs, args, stderr); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	for _, u := range strings.Split(*urls, ",") {
		u = strings.TrimRight(strings.TrimSpace(u), "/")
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return c, cli.Usagef("-url: %q is not an http(s) base URL", u)
		}
		c.URLs = append(c.URLs, u)
	}
	switch {
	case c.Workers < 0 || c.Desks < 0:
		return c, cli.Usagef("-workers and -desks must not be negative")
	case c.Workers == 0 && c.Rate <= 0:
		return c, cli.Usagef("-rate must be positive (or use -workers)")
	case c.Duration <= 0 || c.Think < 0 || c.Timeout <= 0 || c.DrainWait < 0 || c.BaselineFor <= 0 || c.InsertGoroutines <= 0:
		return c, cli.Usagef("-duration, -timeout, -baseline-duration and -baseline-goroutines must be positive, -think and -drain not negative")
	case c.Password == "":
		return c, cli.Usagef("-password (or HAILONG_ADMIN_PASSWORD): needed to list the desks")
	case c.Baseline && c.MongoURI == "":
		return c, cli.Usagef("-baseline needs -mongo-uri (or HAILONG_MONGO_URI): the store the service writes to (see \"hailong mongo-embedded\")")
	}
	return c, nil
}

// loadDesk is a desk to answer: its form path and instrument.
type loadDesk struct {
	ID, Path string
	In       *survey.Instrument
}

// listDesks asks the first URL for the active desks and keeps n of them
// (spread over the list, so several units get answers).
func listDesks(ctx context.Context, c Config, hc *http.Client, set *survey.Instruments) ([]loadDesk, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URLs[0]+"/api/v1/desks", nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(c.User, c.Password)
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("list desks: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("list desks: GET %s/api/v1/desks answered %s", c.URLs[0], res.Status)
	}
	var raw []struct {
		ID, Instrument string
		Active         bool
		SurveyURL      string `json:"survey_url"`
	}
	if err := json.NewDecoder(res.Body).Decode(&raw); err != nil {
		return nil, fmt.Errorf("list desks: %w", err)
	}
	var all []loadDesk
	for _, d := range raw {
		u, err := url.Parse(d.SurveyURL)
		if !d.Active || err != nil || u.Path == "" {
			continue
		}
		in, ok := set.Get(d.Instrument)
		if !ok {
			in, ok = set.Latest(d.Instrument)
		}
		if !ok {
			in, _ = set.Latest("counter")
		}
		// Only the path: the host is whichever replica -url names.
		all = append(all, loadDesk{ID: d.ID, Path: u.EscapedPath(), In: in})
	}
	if len(all) == 0 {
		return nil, errors.New("list desks: no active desk")
	}
	if c.Desks == 0 || c.Desks >= len(all) {
		return all, nil
	}
	out := make([]loadDesk, c.Desks)
	for i := range out {
		out[i] = all[i*len(all)/c.Desks]
	}
	return out, nil
}

// Run runs the whole command: baselines, the real run, baselines again,
// then the report on stdout (a table, or JSON with -json); progress goes
// to stderr.
func Run(ctx context.Context, c Config, stdout, stderr io.Writer) error {
	set, err := survey.LoadInstruments()
	if err != nil {
		return err
	}
	tr := newLoadTransport()
	defer tr.CloseIdleConnections()
	desks, err := listDesks(ctx, c, &http.Client{Transport: tr, Timeout: c.Timeout}, set)
	if err != nil {
		return err
	}
	rep := &loadReport{URLs: c.URLs, Desks: len(desks), Mode: "open", Rate: c.Rate, Workers: c.Workers,
		Duration: c.Duration.String(), Think: c.Think.String(), FormOnly: c.FormOnly}
	if c.Workers > 0 {
		rep.Mode, rep.Rate = "closed", 0
	}
	var bl *baseline
	if c.Baseline {
		if bl, err = newBaseline(ctx, c, tr, desks); err != nil {
			return err
		}
		defer bl.close()
		fmt.Fprintf(stderr, "baseline before the run (%v each)…\n", c.BaselineFor)
		if err := bl.measure(ctx, &rep.BaselineBefore); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "load: %s for %v against %s, %d desks…\n", rep.modeText(), c.Duration, strings.Join(c.URLs, ", "), len(desks))
	d := &driver{cfg: c, desks: desks, tr: tr, form: newRecorder("form GET"), submit: newRecorder("submit POST")}
	elapsed := d.run(ctx)
	rep.Elapsed = elapsed.Seconds()
	rep.Skipped, rep.Unfinished = d.skipped.Load(), d.unfinished.Load()
	rep.Endpoints = []endpointReport{d.form.report(elapsed), d.submit.report(elapsed)}
	rep.Acknowledged = d.submit.status("303")
	if bl != nil {
		fmt.Fprintf(stderr, "baseline after the run…\n")
		if err := bl.measure(ctx, &rep.BaselineAfter); err != nil {
			return err
		}
		rep.ratios()
	}
	if c.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.print(stdout)
	return nil
}

// newLoadTransport is shared by every simulated phone (each has its own
// cookie jar): enough idle connections that the tool, not the service,
// never becomes the limit on connection setup.
func newLoadTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost, tr.MaxConnsPerHost = 4096, 4096, 0
	return tr
}
