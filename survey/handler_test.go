package survey

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

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
	s, _, _, desks := testSetup(t)
	db, ctx := s.db, context.Background()
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
	c := NewCommitter(db, NewRollups(db, nil, log), log)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { c.Run(runCtx); close(done) }()
	var once sync.Once
	stopCommitter := func() { once.Do(func() { stop(); <-done }) }
	t.Cleanup(stopCommitter)

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
		stopCommitter: stopCommitter}
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
