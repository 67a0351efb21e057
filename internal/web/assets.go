package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// Assets serves css/ and js/ under content-hashed URLs
// (/static/app.3f2a9c1e.css), so browsers may cache them for a year and a
// new release is fetched at once.
type Assets struct {
	byURL  map[string]asset
	byName map[string]string
}

type asset struct {
	body  []byte
	ctype string
}

// NewAssets hashes every file under css/ and js/ of fsys.
func NewAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{byURL: map[string]asset{}, byName: map[string]string{}}
	for _, dir := range []string{"css", "js"} {
		names, err := fs.Glob(fsys, dir+"/*")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			body, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256(body)
			base := path.Base(name)
			ext := path.Ext(base)
			url := "/static/" + strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:4]) + ext
			a.byURL[url] = asset{body: body, ctype: mime.TypeByExtension(ext)}
			a.byName[base] = url
		}
	}
	return a, nil
}

// URL returns the hashed URL of an asset by file name ("app.css").
func (a *Assets) URL(name string) string {
	if u, ok := a.byName[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

// Size returns the byte size of an asset by file name.
func (a *Assets) Size(name string) int {
	return len(a.byURL[a.byName[name]].body)
}

// Handler serves the hashed URLs with immutable caching.
func (a *Assets) Handler(c echo.Context) error {
	f, ok := a.byURL[c.Request().URL.Path]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, f.ctype, f.body)
}
