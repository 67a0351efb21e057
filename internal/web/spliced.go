package web

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"strings"

	"github.com/labstack/echo/v4"
)

// SplicedPage is a page rendered once with placeholders and kept both plain
// and deflated, so each request puts its own values in without compressing
// the page again: compressing a form page took a quarter of the service's
// CPU under load. Each literal part is deflated on its own and ends on a
// byte boundary (a sync flush), so a response is the parts' deflate blocks
// with each value between them as a stored (uncompressed) block, closed by
// an empty final block and the gzip trailer (RFC 1951 §3.2.4, RFC 1952).
type SplicedPage struct {
	parts    [][]byte // literal text around the placeholders
	deflated [][]byte // parts[i] as non-final deflate blocks
	holes    []int    // which placeholder each gap between parts holds
}

// NewSplicedPage splits page at every occurrence of the placeholders.
func NewSplicedPage(page []byte, placeholders ...string) *SplicedPage {
	p := &SplicedPage{}
	rest := page
	for {
		at, which := -1, -1
		for i, ph := range placeholders {
			if j := bytes.Index(rest, []byte(ph)); j >= 0 && (at < 0 || j < at) {
				at, which = j, i
			}
		}
		if at < 0 {
			p.parts = append(p.parts, rest)
			break
		}
		p.parts = append(p.parts, rest[:at])
		p.holes = append(p.holes, which)
		rest = rest[at+len(placeholders[which]):]
	}
	for _, part := range p.parts {
		var buf bytes.Buffer
		// Compressed once, so the smallest output is worth the time.
		w, _ := flate.NewWriter(&buf, flate.BestCompression)
		_, _ = w.Write(part)
		_ = w.Flush()
		p.deflated = append(p.deflated, buf.Bytes())
	}
	return p
}

// Bytes returns the page with values[i] in place of placeholder i.
func (p *SplicedPage) Bytes(values ...string) []byte {
	var b bytes.Buffer
	for i, part := range p.parts {
		b.Write(part)
		if i < len(p.holes) {
			b.WriteString(values[p.holes[i]])
		}
	}
	return b.Bytes()
}

// gzipHeader: deflate, no name, no time, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// Gzip returns the page with the values in place, gzip-encoded.
func (p *SplicedPage) Gzip(values ...string) []byte {
	size := len(gzipHeader) + 5 + 8
	for _, d := range p.deflated {
		size += len(d)
	}
	for _, v := range values {
		size += len(v) + 5*(len(v)/0xffff+1)
	}
	out := make([]byte, 0, size)
	out = append(out, gzipHeader...)
	crc, n := uint32(0), 0
	for i, part := range p.parts {
		out = append(out, p.deflated[i]...)
		crc, n = crc32.Update(crc, crc32.IEEETable, part), n+len(part)
		if i < len(p.holes) {
			v := values[p.holes[i]]
			out = appendStored(out, v, false)
			crc, n = crc32.Update(crc, crc32.IEEETable, []byte(v)), n+len(v)
		}
	}
	out = appendStored(out, "", true)
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, uint32(n))
}

// appendStored appends s as stored deflate blocks (at most 65,535 bytes
// each); final marks the last block of the stream. The writer is on a byte
// boundary, so each block header is one byte: BFINAL, then BTYPE 00.
func appendStored(out []byte, s string, final bool) []byte {
	for {
		chunk := s
		if len(chunk) > 0xffff {
			chunk = chunk[:0xffff]
		}
		s = s[len(chunk):]
		last := final && s == ""
		if chunk == "" && !last {
			return out
		}
		var hdr byte
		if last {
			hdr = 1
		}
		out = append(out, hdr)
		out = binary.LittleEndian.AppendUint16(out, uint16(len(chunk)))
		out = binary.LittleEndian.AppendUint16(out, ^uint16(len(chunk)))
		out = append(out, chunk...)
		if s == "" {
			return out
		}
	}
}

// Write sends the page with the values in place, gzip-encoded when the
// client accepts it. The compressing handler (Compress) leaves an answer
// that already has a Content-Encoding alone.
func (p *SplicedPage) Write(c echo.Context, status int, values ...string) error {
	h := c.Response().Header()
	if !strings.Contains(strings.Join(h.Values(echo.HeaderVary), ","), echo.HeaderAcceptEncoding) {
		h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	}
	if !strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		return c.HTMLBlob(status, p.Bytes(values...))
	}
	h.Set(echo.HeaderContentEncoding, "gzip")
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, p.Gzip(values...))
}
