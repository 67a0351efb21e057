// Package pdf prints an HTML page to PDF with headless Chromium. The page
// and its static assets are served from a loopback listener for the
// browser; the paper size is the page's CSS @page size (the month
// report's is A4).
package pdf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Chromium finds a headless-capable browser: HAILONG_CHROMIUM, then the usual names.
func Chromium() (string, error) {
	names := []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"}
	if p := os.Getenv("HAILONG_CHROMIUM"); p != "" {
		names = []string{p}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", errors.New("-format pdf needs Chromium (apt-get install chromium, or set HAILONG_CHROMIUM); otherwise print /exports/MONTH/report to PDF from a browser")
}

// Print serves html at / and assets under /static/ on a loopback
// listener, opens the page in headless Chromium (see Chromium) and prints
// it to PDF with its backgrounds. It gives up after 60 s.
func Print(ctx context.Context, html []byte, assets http.Handler) ([]byte, error) {
	path, err := Chromium()
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", assets)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		_, _ = w.Write(html)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	dir, err := os.MkdirTemp("/tmp", "hlpdf")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Env("TMPDIR="+dir))
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	// The messages name the report, the only page printed this way so far.
	if _, err := chromedp.Run(bctx, chromedp.Navigate("http://"+ln.Addr().String()+"/")); err != nil {
		return nil, fmt.Errorf("open the report in %s: %w", path, err)
	}
	pdf, err := chromedp.Run(bctx, chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: new(true), PrintBackground: new(true)})
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	}))
	if err != nil {
		return nil, fmt.Errorf("print the report with %s: %w", path, err)
	}
	return pdf, nil
}
