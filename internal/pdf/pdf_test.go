package pdf

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestChromiumMissing: HAILONG_CHROMIUM names the only browser tried.
func TestChromiumMissing(t *testing.T) {
	t.Setenv("HAILONG_CHROMIUM", "/nonexistent/chromium")
	if p, err := Chromium(); err == nil || !strings.HasPrefix(err.Error(), "-format pdf needs Chromium") {
		t.Errorf("Chromium() = %q, %v", p, err)
	}
}

// TestPrint prints a page whose A5 size comes from its stylesheet: the
// asset is served under /static/ and the CSS page size is used.
func TestPrint(t *testing.T) {
	if _, err := Chromium(); err != nil {
		t.Skip(err)
	}
	var mu sync.Mutex
	var served []string
	assets := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served = append(served, r.URL.Path)
		mu.Unlock()
		if r.URL.Path != "/static/print.css" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/css")
		_, _ = w.Write([]byte("@page { size: A5; margin: 10mm } body { background: #eee }"))
	})
	html := []byte(`<!doctype html><html><head><link rel="stylesheet" href="/static/print.css"><title>t</title></head><body><p>Hài Lòng</p></body></html>`)
	doc, err := Print(context.Background(), html, assets)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(doc, []byte("%PDF")) {
		t.Fatalf("not a PDF: %q", doc[:min(len(doc), 20)])
	}
	m := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindSubmatch(doc)
	if m == nil {
		t.Fatal("no MediaBox in the PDF")
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	if math.Abs(w-419.53) > 2 || math.Abs(h-595.28) > 2 { // 148 × 210 mm
		t.Errorf("page %v × %v pt, want A5", w, h)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(served) == 0 || served[0] != "/static/print.css" {
		t.Errorf("assets served: %q", served)
	}
}
