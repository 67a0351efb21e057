package qr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"

	"github.com/skip2/go-qrcode"
)

// PNG sizes in pixels: what PNG makes when asked for 0, and the range it
// clamps any other request to.
const (
	DefaultSize = 512
	MinSize     = 128
	MaxSize     = 2048
)

// ClampSize returns the PNG size PNG makes for a requested size: 0 or less
// gives DefaultSize, anything else is clamped to MinSize..MaxSize.
func ClampSize(size int) int {
	switch {
	case size <= 0:
		return DefaultSize
	case size < MinSize:
		return MinSize
	case size > MaxSize:
		return MaxSize
	}
	return size
}

// bitmap returns the code's modules, quiet zone included (bitmap[y][x] is
// dark), at medium error correction: 15 % of the symbol may be dirty or
// torn and it still reads.
func bitmap(content string) ([][]bool, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code of %d bytes: %w", len(content), err)
	}
	return q.Bitmap(), nil
}

// PNG returns a size × size black-on-white PNG of content (size clamped, see
// ClampSize). Every module is the same whole number of pixels, so printers
// and phone cameras see sharp edges; what is left over widens the quiet zone.
func PNG(content string, size int) ([]byte, error) {
	bm, err := bitmap(content)
	if err != nil {
		return nil, err
	}
	size = ClampSize(size)
	n := len(bm)
	scale := size / n
	if scale < 1 { // a very long content: one pixel per module
		scale, size = 1, n
	}
	off := (size - n*scale) / 2
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y, row := range bm {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range scale {
				i := img.PixOffset(off+x*scale, off+y*scale+dy)
				for dx := range scale {
					img.Pix[i+dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SVG returns content as a self-contained SVG: a white square and one path
// of the dark modules, one unit per module with the quiet zone inside the
// viewBox. It has no size of its own: it fills whatever box holds it.
func SVG(content string) ([]byte, error) {
	bm, err := bitmap(content)
	if err != nil {
		return nil, err
	}
	n := strconv.Itoa(len(bm))
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + ` ` + n +
		`" shape-rendering="crispEdges"><rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bm {
		// One rectangle per horizontal run of dark modules.
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			w := strconv.Itoa(x - start)
			b.WriteString("M" + strconv.Itoa(start) + " " + strconv.Itoa(y) + "h" + w + "v1h-" + w + "z")
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}
