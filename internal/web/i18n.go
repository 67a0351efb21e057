package web

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Languages the UI speaks; the first is the default.
var Languages = []string{"vi", "en"}

// Catalog is the UI text in Vietnamese and English, keyed by message id.
type Catalog struct {
	msgs map[string]map[string]string
}

// LoadCatalog reads every YAML file matching pattern: maps of id → {vi,
// en}. Every id must have both languages and be defined once: a missing
// translation fails startup, not a citizen's page.
func LoadCatalog(fsys fs.FS, pattern string) (*Catalog, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no message files match %s", pattern)
	}
	all := map[string]map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		var msgs map[string]map[string]string
		if err := dec.Decode(&msgs); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for id, tr := range msgs {
			if _, dup := all[id]; dup {
				return nil, fmt.Errorf("%s: message %q is defined twice", name, id)
			}
			for _, l := range Languages {
				if strings.TrimSpace(tr[l]) == "" {
					return nil, fmt.Errorf("%s: message %q has no %q text", name, id, l)
				}
			}
			all[id] = tr
		}
	}
	return &Catalog{msgs: all}, nil
}

// T returns the message id in lang, formatted with args. An unknown id
// shows itself, so a missing key is visible but never breaks a page.
func (c *Catalog) T(lang, id string, args ...any) string {
	tr, ok := c.msgs[id]
	if !ok {
		return id
	}
	s, ok := tr[lang]
	if !ok {
		s = tr[Languages[0]]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether the catalogue defines id.
func (c *Catalog) Has(id string) bool {
	_, ok := c.msgs[id]
	return ok
}

const langCookie = "lang"

// Lang picks the request's language: ?lang= (remembered in a cookie), then
// the cookie, then Accept-Language, then Vietnamese.
func Lang(c echo.Context) string {
	if l := c.QueryParam("lang"); isLang(l) {
		if ck, err := c.Cookie(langCookie); err != nil || ck.Value != l {
			c.SetCookie(&http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: IsHTTPS(c)})
		}
		return l
	}
	if l := c.FormValue("lang"); c.Request().Method == http.MethodPost && isLang(l) {
		return l
	}
	if ck, err := c.Cookie(langCookie); err == nil && isLang(ck.Value) {
		return ck.Value
	}
	return fromAcceptLanguage(c.Request().Header.Get("Accept-Language"))
}

// fromAcceptLanguage returns the supported language the browser prefers
// most (by q-value; q=0 means "not this one"), Vietnamese when none.
func fromAcceptLanguage(h string) string {
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil {
		return Languages[0]
	}
	for _, tag := range tags { // sorted by q, highest first; q=0 left out
		base, _ := tag.Base()
		if isLang(base.String()) {
			return base.String()
		}
	}
	return Languages[0]
}

func isLang(l string) bool {
	for _, x := range Languages {
		if l == x {
			return true
		}
	}
	return false
}
