package main

// Chromium prints a poster, a batch of posters and the leaflets to PDF
// pages of the CSS @page size (issue 4, item 4). The poster pages
// themselves are tested in dashboard/desks (poster_test.go).

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"hailong/internal/app/apptest"
)

// printPDF prints the current page of the tab as Chromium's print dialog
// would, with the page size and margins of the CSS @page rules.
func printPDF(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{
		PreferCSSPageSize: new(true),
		PrintBackground:   new(true),
	})
	return res.Data, err
}

var mediaBox = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)

// pdfPages counts the page objects of a PDF.
func pdfPages(pdf []byte) int {
	return bytes.Count(pdf, []byte("/Type /Page")) - bytes.Count(pdf, []byte("/Type /Pages"))
}

func TestBrowserPosterPDF(t *testing.T) {
	ctx := newBrowser(t)
	a := startApp(t, t.TempDir(), nil)
	admin, _ := apptest.Admin(t, a.URL)
	ck := apptest.SessionCookie(t, admin, a.URL)

	const (
		a4W, a4H = 595.28, 841.89 // 210 × 297 mm in points
		a5W, a5H = 419.53, 595.28 // 148 × 210 mm
	)
	for _, tt := range []struct {
		path       string
		pages      int
		w, h       float64
		outputName string
	}{
		{"/desks/vt-q1/poster", 1, a4W, a4H, "poster-a4.pdf"},
		{"/desks/vt-q1/poster?size=a5", 1, a5W, a5H, "poster-a5.pdf"},
		{"/units/vt-p1/posters", 2, a4W, a4H, "posters-vt-p1.pdf"},
		{"/units/vt-p1/leaflets", 2, a4W, a4H, "leaflets-vt-p1.pdf"},
	} {
		browserDo(t, ctx, "open "+tt.path,
			chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{
					Name: ck.Name, Value: ck.Value, URL: a.URL, HTTPOnly: new(true),
				})
				return err
			}),
			chromedp.Navigate(a.URL+tt.path),
			chromedp.WaitVisible(chromedp.CSS("img.p-qr, img.l-qr")),
		)
		// The QR images are part of the printout: wait until all are loaded.
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.images].every(i => i.complete && i.naturalWidth > 0)`,
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("%s: QR images did not load: %v", tt.path, err)
		}
		pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](printPDF))
		if err != nil {
			t.Fatalf("print %s to PDF: %v", tt.path, err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) <= 1024 {
			t.Fatalf("print %s: %d bytes starting %q, want a PDF over 1 KB", tt.path, len(pdf), pdf[:min(8, len(pdf))])
		}
		pages := pdfPages(pdf)
		t.Logf("%s printed to a PDF of %d bytes (%.1f KiB), %d page(s)", tt.path, len(pdf), float64(len(pdf))/1024, pages)
		if pages != tt.pages {
			t.Errorf("%s printed on %d pages, want %d", tt.path, pages, tt.pages)
		}
		// Every page has the size of the CSS @page rule (Chromium rounds
		// to whole CSS pixels: within 1.5 pt).
		for _, m := range mediaBox.FindAllSubmatch(pdf, -1) {
			w, _ := strconv.ParseFloat(string(m[1]), 64)
			h, _ := strconv.ParseFloat(string(m[2]), 64)
			if math.Abs(w-tt.w) > 1.5 || math.Abs(h-tt.h) > 1.5 {
				t.Errorf("%s printed on a page of %.2f × %.2f pt, want %.2f × %.2f (the CSS @page size)", tt.path, w, h, tt.w, tt.h)
			}
		}
		if dir := os.Getenv("HAILONG_TEST_PDF_DIR"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, tt.outputName), pdf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
