package qr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// zbarimg returns the path of the decoder the round-trip tests read the
// images back with, or skips.
func zbarimg(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed: apt-get install -y zbar-tools (CI installs it)")
	}
	return p
}

// decodePNG reads a QR code back from PNG bytes with zbarimg.
func decodePNG(t *testing.T, zbar string, img []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(f, img, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--raw", "-q", f).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("zbarimg found no code: %v: %s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

var imageCases = []struct {
	name    string
	content string
}{
	{"survey URL", "http://localhost:8080/s/vt-q1-abcdefghij"},
	{"long host", "https://hailong.vungtau.baria-vungtau.gov.vn/s/vt-nguyen-an-ninh-q2-mnpqrstuvw"},
	{"LAN address", "http://192.168.1.20:8080/s/ls-q1-23456789ab"},
}

func TestPNG(t *testing.T) {
	for _, tt := range []struct {
		name      string
		size      int
		wantWidth int
	}{
		{"default", 0, DefaultSize},
		{"negative is default", -5, DefaultSize},
		{"too small", 10, MinSize},
		{"smallest", MinSize, MinSize},
		{"odd size", 333, 333},
		{"largest", MaxSize, MaxSize},
		{"too large", 100000, MaxSize},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := PNG(imageCases[0].content, tt.size)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if r := img.Bounds(); r.Dx() != tt.wantWidth || r.Dy() != tt.wantWidth {
				t.Errorf("PNG(size %d) is %v, want %d×%d", tt.size, r, tt.wantWidth, tt.wantWidth)
			}
		})
	}
}

func TestPNGRoundTrip(t *testing.T) {
	zbar := zbarimg(t)
	for _, tt := range imageCases {
		for _, size := range []int{MinSize, DefaultSize} {
			b, err := PNG(tt.content, size)
			if err != nil {
				t.Fatal(err)
			}
			if got := decodePNG(t, zbar, b); got != tt.content {
				t.Errorf("%s at %d px decodes to %q, want %q", tt.name, size, got, tt.content)
			}
		}
	}
}

func TestSVG(t *testing.T) {
	for _, tt := range imageCases {
		t.Run(tt.name, func(t *testing.T) {
			b, err := SVG(tt.content)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				XMLName xml.Name
				ViewBox string     `xml:"viewBox,attr"`
				Shape   string     `xml:"shape-rendering,attr"`
				Rects   []struct{} `xml:"rect"`
				Paths   []struct {
					D string `xml:"d,attr"`
				} `xml:"path"`
			}
			if err := xml.Unmarshal(b, &doc); err != nil {
				t.Fatalf("SVG is not XML: %v\n%s", err, b)
			}
			if doc.XMLName.Space != "http://www.w3.org/2000/svg" || doc.XMLName.Local != "svg" {
				t.Errorf("root element %v, want svg in the SVG namespace", doc.XMLName)
			}
			bm, _ := bitmap(tt.content)
			if want := "0 0 " + strconv.Itoa(len(bm)) + " " + strconv.Itoa(len(bm)); doc.ViewBox != want {
				t.Errorf("viewBox %q, want %q (modules and quiet zone)", doc.ViewBox, want)
			}
			if bm[0][0] || bm[3][3] {
				t.Error("the bitmap has no quiet zone")
			}
			if doc.Shape != "crispEdges" {
				t.Errorf(`shape-rendering %q, want "crispEdges"`, doc.Shape)
			}
			if len(doc.Paths) != 1 || len(doc.Rects) != 1 {
				t.Errorf("%d paths and %d rects, want one of each", len(doc.Paths), len(doc.Rects))
			}
			for _, bad := range []string{"href", "http://www.w3.org/1999/xlink", "<style", "<script", "url("} {
				if bytes.Contains(b, []byte(bad)) {
					t.Errorf("SVG contains %q: it must be self-contained", bad)
				}
			}
			// The path covers exactly the dark modules.
			dark := 0
			for _, row := range bm {
				for _, d := range row {
					if d {
						dark++
					}
				}
			}
			if got := pathArea(t, doc.Paths[0].D); got != dark {
				t.Errorf("path covers %d modules, the code has %d dark ones", got, dark)
			}
			t.Logf("%s: %d bytes of SVG", tt.name, len(b))
		})
	}
}

// pathArea adds up the rectangles "Mx yhWv1h-Wz" of an SVG path.
func pathArea(t *testing.T, d string) int {
	t.Helper()
	area := 0
	for _, part := range strings.Split(strings.TrimSuffix(d, "z"), "z") {
		var x, y, w, w2 int
		if _, err := fmt.Sscanf(part, "M%d %dh%dv1h-%d", &x, &y, &w, &w2); err != nil || w != w2 {
			t.Fatalf("path segment %q is not a one-row rectangle: %v", part, err)
		}
		area += w
	}
	return area
}

func TestTooLong(t *testing.T) {
	if _, err := PNG(strings.Repeat("x", 5000), 0); err == nil {
		t.Error("PNG of 5000 bytes: no error")
	}
	if _, err := SVG(strings.Repeat("x", 5000)); err == nil {
		t.Error("SVG of 5000 bytes: no error")
	}
}
