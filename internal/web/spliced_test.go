package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestSplicedPageGzip(t *testing.T) {
	page := []byte(strings.Repeat("<p>Ông/Bà vui lòng đánh giá</p>", 200) + `<input value="AAA"><input value="BBB">` +
		strings.Repeat("<li>Hài lòng</li>", 300) + `AAA end`)
	for _, vals := range [][2]string{
		{"csrf-1", "ticket-1"},
		{"", ""},
		{strings.Repeat("x", 70000), "y"}, // longer than one stored block
	} {
		p := NewSplicedPage(page, "AAA", "BBB")
		want := strings.ReplaceAll(strings.ReplaceAll(string(page), "AAA", vals[0]), "BBB", vals[1])
		if got := string(p.Bytes(vals[0], vals[1])); got != want {
			t.Fatalf("plain page differs (len %d, want %d)", len(got), len(want))
		}
		zr, err := gzip.NewReader(bytes.NewReader(p.Gzip(vals[0], vals[1])))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr) // checks the CRC and size too
		if err != nil {
			t.Fatalf("gzip stream does not decode: %v", err)
		}
		if string(got) != want {
			t.Fatalf("gzip page differs (len %d, want %d)", len(got), len(want))
		}
	}
}

func TestSplicedPageHTTP(t *testing.T) {
	page := []byte("<html>" + strings.Repeat("Phiếu khảo sát ", 500) + "TOKEN</html>")
	p := NewSplicedPage(page, "TOKEN")
	e := echo.New()
	e.GET("/f", func(c echo.Context) error { return p.Write(c, http.StatusOK, "abc") })
	// Behind the compressing handler, as in the service: not compressed twice.
	srv := httptest.NewServer(Compress(e))
	defer srv.Close()
	for _, enc := range []string{"gzip", "identity"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/f", nil)
		req.Header.Set("Accept-Encoding", enc)
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if enc == "gzip" {
			if res.Header.Get("Content-Encoding") != "gzip" || len(body) >= len(page)/4 {
				t.Fatalf("gzip: encoding %q, %d bytes for a %d-byte page", res.Header.Get("Content-Encoding"), len(body), len(page))
			}
			zr, _ := gzip.NewReader(bytes.NewReader(body))
			body, _ = io.ReadAll(zr)
		} else if res.Header.Get("Content-Encoding") != "" {
			t.Fatalf("identity asked, got %q", res.Header.Get("Content-Encoding"))
		}
		if want := strings.Replace(string(page), "TOKEN", "abc", 1); string(body) != want {
			t.Fatalf("%s: body differs", enc)
		}
	}
}
