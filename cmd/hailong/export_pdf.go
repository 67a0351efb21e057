package main

import (
	"bytes"
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
	"github.com/labstack/echo/v4"

	"hailong/dashboard"
	"hailong/internal/web"
	"hailong/static"
)

// chromium finds a headless-capable browser: HAILONG_CHROMIUM, then the usual names.
func chromium() (string, error) {
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

// reportPDF renders the report page and prints it to A4 PDF with headless
// Chromium, served from a loopback listener with the page's own assets.
func reportPDF(ctx context.Context, x *dashboard.Exporter, scope dashboard.ExportScope) ([]byte, error) {
	path, err := chromium()
	if err != nil {
		return nil, err
	}
	assets, err := web.NewAssets(static.FS)
	if err != nil {
		return nil, err
	}
	render, err := web.NewRenderer(static.FS, x.Catalog, assets)
	if err != nil {
		return nil, err
	}
	v, err := x.Report(ctx, scope, time.Now(), "")
	if err != nil {
		return nil, err
	}
	var html bytes.Buffer
	if err := dashboard.RenderReport(&html, render, v); err != nil {
		return nil, err
	}
	e := echo.New()
	e.GET("/static/*", assets.Handler)
	e.GET("/report", func(c echo.Context) error { return c.HTMLBlob(http.StatusOK, html.Bytes()) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
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
	if _, err := chromedp.Run(bctx, chromedp.Navigate("http://"+ln.Addr().String()+"/report")); err != nil {
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
