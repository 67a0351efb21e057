package desks

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/qr"
	"hailong/survey"
)

// QRCacheControl lets the official's browser keep a QR image for five
// minutes, never a shared cache: the image reveals a valid desk code. Only
// versioned URLs (qrVersion) get it: their address changes with the code,
// so a rotated desk is fetched afresh. Anything else must revalidate
// (QRNoCache), or a poster printed right after "Đổi mã QR" would carry the
// old, dead code from the browser's cache.
const (
	QRCacheControl = "private, max-age=300"
	QRNoCache      = "private, no-cache"
)

// qrImage serves GET /qr/{desk}.png?size= and /qr/{desk}.svg: the desk's
// survey URL as an image, for posters and for staff to download.
func (h *Handler) qrImage(c echo.Context) error {
	file := c.Param("file")
	var id, ctype string
	switch {
	case strings.HasSuffix(file, ".png"):
		id, ctype = strings.TrimSuffix(file, ".png"), "image/png"
	case strings.HasSuffix(file, ".svg"):
		id, ctype = strings.TrimSuffix(file, ".svg"), "image/svg+xml"
	default:
		return derrors.ErrNotFound
	}
	size := 0
	if ctype == "image/png" {
		if s := c.QueryParam("size"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return derrors.Param("poster.err_size", qr.MinSize, qr.MaxSize)
			}
			size = n
		}
	}
	d, err := h.desk(c, id)
	if err != nil {
		return err
	}
	cache := QRNoCache
	if v := c.QueryParam("v"); v != "" && v == h.qrVersion(d) {
		cache = QRCacheControl
	}
	return ServeQR(c, h.links.Survey(d), ctype == "image/png", size, cache)
}

// qrVersion is the MAC of the desk's current code: pages add it to QR image
// URLs as ?v=, so the URL changes whenever the code does.
func (h *Handler) qrVersion(d *survey.Desk) string {
	code := h.codes.DeskCode(d.ID, d.Generation)
	return code[strings.LastIndexByte(code, '-')+1:]
}

// qrURL is the same-origin, versioned URL of desk d's QR image; ext is
// "svg" or "png".
func (h *Handler) qrURL(d *survey.Desk, ext string) string {
	return "/qr/" + url.PathEscape(d.ID) + "." + ext + "?v=" + h.qrVersion(d)
}

// ServeQR writes content as a PNG (size pixels, 0: the default) or SVG QR
// image with the given Cache-Control, and a weak ETag (the compressing
// handler may send the SVG compressed).
func ServeQR(c echo.Context, content string, png bool, size int, cacheControl string) error {
	var body []byte
	var err error
	ctype := "image/svg+xml"
	if png {
		body, err = qr.PNG(content, size)
		ctype = "image/png"
	} else {
		body, err = qr.SVG(content)
	}
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderCacheControl, cacheControl)
	hdr.Set("ETag", "W/"+etag)
	if match := c.Request().Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, ctype, body)
}

// etagMatches reports whether an If-None-Match header names etag, weak or
// strong: the comparison for GET is weak (RFC 9110 §13.1.2).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
