package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/cli"
	"hailong/survey"
)

// baselineCollection is written by the bare loops and dropped afterwards;
// the service never reads it.
const baselineCollection = "loadtest_baseline"

// baseline measures what the machine and the store can do without the
// service: the denominators of the report's ratios.
type baseline struct {
	cfg    Config
	tr     *http.Transport
	client *mongo.Client
	coll   *mongo.Collection
	docs   []survey.Response // the shape of a real answer, reused with new ids
	echo   *http.Server
	url    string
}

func newBaseline(ctx context.Context, c Config, tr *http.Transport, desks []loadDesk) (_ *baseline, err error) {
	b := &baseline{cfg: c, tr: tr}
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	cl, err := mongo.Connect(options.Client().ApplyURI(c.MongoURI).SetTimeout(30 * time.Second).SetAppName("hailong-loadtest"))
	if err != nil {
		return nil, fmt.Errorf("baseline: connect to MongoDB: %w", err)
	}
	b.client, b.coll = cl, cl.Database(c.MongoDB).Collection(baselineCollection)
	if err := cl.Ping(ctx, nil); err != nil {
		return nil, fmt.Errorf("baseline: MongoDB does not answer at %s: %w", cli.RedactURI(c.MongoURI), err)
	}
	rng := rand.New(rand.NewPCG(c.Seed, 7))
	desk := survey.Desk{ID: desks[0].ID, Unit: "baseline"}
	for range 256 {
		r, err := survey.SampleResponse(rng, desks[0].In, &desk, time.Now())
		if err != nil {
			return nil, err
		}
		b.docs = append(b.docs, *r)
	}
	// The bare page is the service's own form page, byte for byte, so both
	// sides send and parse the same HTML: only the work behind it differs.
	res, err := http.Get(c.URLs[0] + desks[0].Path)
	if err != nil {
		return nil, fmt.Errorf("baseline: fetch a form page: %w", err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("baseline: fetch a form page: status %d %v", res.StatusCode, err)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.HTMLBlob(http.StatusOK, page) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.echo, b.url = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}, "http://"+ln.Addr().String()+"/"
	go func() { _ = b.echo.Serve(ln) }()
	return b, nil
}

// close drops the throw-away collection and stops the bare server.
func (b *baseline) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if b.coll != nil {
		_ = b.coll.Drop(ctx)
	}
	if b.client != nil {
		_ = b.client.Disconnect(ctx)
	}
	if b.echo != nil {
		_ = b.echo.Shutdown(ctx)
	}
}

// measure runs the three bare loops one after another into *out.
func (b *baseline) measure(ctx context.Context, out **baselineFigures) error {
	f := &baselineFigures{}
	// An empty collection each time, so before and after compare.
	if err := b.coll.Drop(ctx); err != nil {
		return fmt.Errorf("baseline: drop %s: %w", baselineCollection, err)
	}
	var err error
	f.InsertGoroutines = b.cfg.InsertGoroutines
	if f.InsertOne, err = b.loop(ctx, b.cfg.InsertGoroutines, func(ctx context.Context, rng *rand.Rand) (int, error) {
		d := b.doc(rng)
		_, err := b.coll.InsertOne(ctx, &d)
		return 1, err
	}); err != nil {
		return fmt.Errorf("baseline insertOne: %w", err)
	}
	if f.InsertMany, err = b.loop(ctx, 8, func(ctx context.Context, rng *rand.Rand) (int, error) {
		batch := make([]any, 500)
		for i := range batch {
			d := b.doc(rng)
			batch[i] = &d
		}
		_, err := b.coll.InsertMany(ctx, batch)
		return len(batch), err
	}); err != nil {
		return fmt.Errorf("baseline InsertMany: %w", err)
	}
	// The same client code as the form GET of the real run, with as many
	// concurrent clients as a closed-loop run (32 for an open-loop one).
	workers := b.cfg.Workers
	if workers == 0 {
		workers = 32
	}
	rec := newRecorder("echo")
	d := &driver{cfg: b.cfg, tr: b.tr}
	if f.Echo, err = b.loop(ctx, workers, func(ctx context.Context, _ *rand.Rand) (int, error) {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Transport: b.tr, Jar: jar, Timeout: b.cfg.Timeout}
		if _, _, ok := d.getForm(ctx, hc, b.url, rec); !ok && ctx.Err() == nil {
			return 0, errors.New("the bare page did not answer a form")
		}
		return 1, nil
	}); err != nil {
		return fmt.Errorf("baseline Echo: %w", err)
	}
	*out = f
	return nil
}

// doc is a fresh copy of a sampled answer with its own id and nonce.
func (b *baseline) doc(rng *rand.Rand) survey.Response {
	d := b.docs[rng.IntN(len(b.docs))]
	d.ID = bson.NewObjectID()
	d.Nonce = fmt.Sprintf("bl-%016x%016x", rng.Uint64(), rng.Uint64())
	d.SubmittedAt = time.Now().UTC()
	return d
}

// loop runs op in n goroutines for the baseline duration and returns the
// units done per second. Work cut by the deadline is not counted.
func (b *baseline) loop(ctx context.Context, n int, op func(context.Context, *rand.Rand) (int, error)) (float64, error) {
	deadline := time.Now().Add(b.cfg.BaselineFor)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var done atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(b.cfg.Seed, uint64(i)))
			for ctx.Err() == nil {
				k, err := op(ctx, rng)
				// Near the deadline the driver refuses or cuts operations
				// before the context reports it (its deadline is shared
				// with the socket and the round trip): that is the end of
				// the loop, not a failure.
				if ctx.Err() != nil || (err != nil && time.Until(deadline) < time.Second &&
					(errors.Is(err, context.DeadlineExceeded) || mongo.IsTimeout(err))) {
					return
				}
				if err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
				done.Add(int64(k))
			}
		})
	}
	wg.Wait()
	if first != nil {
		return 0, first
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}
