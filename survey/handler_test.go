package survey

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"hailong/internal/testdb"
	"hailong/internal/web"
	"hailong/qr"
	"hailong/static"
)

func testCatalog(t testing.TB) *web.Catalog {
	t.Helper()
	cat, err := web.LoadCatalog(static.FS, "i18n/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// testSite is the citizen side over a fresh store, with the real templates
// and error handler, wired as main wires it.
type testSite struct {
	e     *echo.Echo
	h     *Handler
	store *Store
	codes *qr.Signer
	desk  Desk
	path  string // the desk's form
	// stopCommitter stops the writer: every later Submit fails.
	stopCommitter func()
}

const testCSRF = "0123456789012345678901234567890123456789abc" // 43 characters, like a real token

func newTestSite(t testing.TB, cfg HandlerConfig) *testSite {
	t.Helper()
	s, desks := testSetup(t)
	instruments, err := LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	cat := testCatalog(t)
	assets, err := web.NewAssets(static.FS)
	if err != nil {
		t.Fatal(err)
	}
	render, err := web.NewRenderer(static.FS, cat, assets)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	c := &storeSubmitter{store: s}

	codes := qr.NewSigner([]byte("a test secret of at least 32 characters"))
	cfg.Store, cfg.Committer, cfg.Instruments, cfg.Codes, cfg.Catalog, cfg.Log = s, c, instruments, codes, cat, log
	cfg.Secret = []byte("a test secret of at least 32 characters")
	h := NewHandler(cfg)
	e := echo.New()
	e.Renderer = render
	e.HTTPErrorHandler = web.ErrorHandler(log, cat)
	e.Use(web.RequestMetrics(prometheus.NewRegistry()))
	h.Register(e.Group("", web.CSRF))
	var d Desk
	for _, x := range desks {
		if x.Active && (d.ID == "" || x.ID < d.ID) {
			d = x
		}
	}
	return &testSite{e: e, h: h, store: s, codes: codes, desk: d, path: "/s/" + codes.DeskCode(d.ID, d.Generation),
		stopCommitter: func() { c.stopped.Store(true) }}
}

// storeSubmitter stores each answer straight into the store, as the
// handler's Submitter. (The rollup writer main wires in is
// survey/rollup's Committer, tested there and end to end in cmd.)
type storeSubmitter struct {
	store   *Store
	stopped atomic.Bool
}

func (c *storeSubmitter) Submit(ctx context.Context, r *Response) error {
	if c.stopped.Load() {
		return errors.New("committer stopped")
	}
	return c.store.InsertResponse(ctx, r)
}

// testSetup is a fresh store holding the demo city, and its desks.
func testSetup(t testing.TB) (*Store, []Desk) {
	t.Helper()
	ctx := context.Background()
	s := NewStore(testdb.Mongo(t))
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedDemo(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	desks, err := s.Desks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s, desks
}

// post sends body to the desk's form with a fresh valid ticket and CSRF
// token unless the body has its own, and returns the response.
func (s *testSite) post(body url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	if _, ok := body[FieldTicket]; !ok {
		body.Set(FieldTicket, s.h.tickets.issue(s.path, s.h.now().Add(-time.Minute)))
	}
	if _, ok := body[FieldCSRF]; !ok {
		body.Set(FieldCSRF, testCSRF)
	}
	return s.postRaw(body.Encode(), cookies...)
}

func (s *testSite) postRaw(body string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, s.path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "_csrf", Value: testCSRF})
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	return rec
}

func validForm() url.Values {
	return url.Values{
		"overall": {"5"}, "a": {"4"}, "b": {"5"}, "c": {"3"}, "d": {"0"}, "e": {"2"},
		"harass": {"1"}, "heard": {"radio", "portal"}, "online_next": {"3"}, "comment": {"Cán bộ nhiệt tình."},
	}
}
