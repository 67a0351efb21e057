// Package web is the HTTP plumbing both sides share: templates rendered
// into a buffer, the Vietnamese/English text catalogue, the one error
// handler, CSRF, security headers, gzip, hashed static assets and
// streaming. It knows no feature.
package web

import (
	"bytes"
	"fmt"
	"hailong/survey/period"
	"html/template"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // date boundaries must not depend on the host's zoneinfo

	"github.com/labstack/echo/v4"
)

// Page is the data every page template receives: what the layout needs
// (language, CSRF token, title) plus the page's own Data.
type Page struct {
	Lang  string
	CSRF  string
	Title string
	// Path is the request path, for the language switch links.
	Path string
	// User is the signed-in official's name, empty for citizens; Admin
	// shows the administrators' links.
	User  string
	Admin bool
	// Role is the official's role (admin, unit_manager, viewer, operator),
	// which decides the tabs shown.
	Role string
	// Refresh, when set, is a meta refresh ("10;url=/k/desk").
	Refresh string
	// BodyClass styles a page family (kiosk pages are bigger).
	BodyClass string
	Data      any
}

// Other returns the language the switch link offers.
func (p Page) Other() string {
	if p.Lang == "en" {
		return "vi"
	}
	return "en"
}

// Renderer renders the templates under templates/: each page is parsed
// once at startup together with the layout, and rendered into a buffer so a
// template error never sends half a page.
type Renderer struct {
	pages   map[string]*template.Template
	catalog *Catalog
	assets  *Assets
}

// NewRenderer parses every templates/*.html except the layout. It fails if
// any page does not parse, so a broken template stops startup.
func NewRenderer(fsys fs.FS, catalog *Catalog, assets *Assets) (*Renderer, error) {
	r := &Renderer{pages: map[string]*template.Template{}, catalog: catalog, assets: assets}
	funcs := template.FuncMap{
		"t":     catalog.T,
		"asset": assets.URL,
		"dict":  dict,
		"date":  FormatDate,
		"pct":   FormatPercent,
		"deref": func(p *float64) float64 { return *p },
		"num":   FormatNumber,
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i
			}
			return s
		},
	}
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if strings.HasPrefix(base, "_") {
			continue // partials and the layout
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(fsys, "templates/_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		r.pages[base] = t
	}
	return r, nil
}

// Has reports whether a page template exists.
func (r *Renderer) Has(name string) bool {
	_, ok := r.pages[name]
	return ok
}

// Render implements echo.Renderer. data must be a Page.
func (r *Renderer) Render(w io.Writer, name string, data any, _ echo.Context) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// RenderBlock executes one named template of a page (a part that a page's
// script fetches alone) with data, a Page.
func (r *Renderer) RenderBlock(w io.Writer, name, block string, data any) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	if err := t.ExecuteTemplate(w, block, data); err != nil {
		return fmt.Errorf("render %s/%s: %w", name, block, err)
	}
	return nil
}

// Catalog returns the UI text catalogue.
func (r *Renderer) Catalog() *Catalog { return r.catalog }

// NewPage builds the common page data for a request.
func NewPage(c echo.Context, titleID string, data any) Page {
	lang := Lang(c)
	p := Page{Lang: lang, CSRF: CSRFToken(c), Path: c.Request().URL.Path, Data: data, Title: titleID}
	if u, ok := c.Get(ctxUserName).(string); ok {
		p.User = u
	}
	p.Admin, _ = c.Get(ctxAdmin).(bool)
	p.Role, _ = c.Get(ctxRole).(string)
	return p
}

// RenderPage renders a page with status and no caching: pages carry CSRF
// tokens and per-render nonces.
func RenderPage(c echo.Context, status int, name string, p Page) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Render(status, name, p)
}

// ctxUserName is where the auth middleware leaves the official's name.
const ctxUserName = "hailong.user_name"

const (
	ctxAdmin = "hailong.user_admin"
	ctxRole  = "hailong.user_role"
)

// SetUser records the signed-in official for the page layout.
func SetUser(c echo.Context, name, role string, admin bool) {
	c.Set(ctxUserName, name)
	c.Set(ctxRole, role)
	c.Set(ctxAdmin, admin)
}

func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict needs key/value pairs")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// FormatDate writes an instant as dd/mm/yyyy in Vietnam time.
func FormatDate(t time.Time) string { return t.In(period.Vietnam).Format("02/01/2006") }

// FormatNumber writes v with the given decimals, with a decimal comma in
// Vietnamese ("4,04").
func FormatNumber(lang string, v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if lang == "en" {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}

// FormatPercent writes a rate the Vietnamese way, "83,9 %"; English gets "83.9%".
func FormatPercent(lang string, v float64) string {
	s := fmt.Sprintf("%.1f", v)
	if lang == "en" {
		return s + "%"
	}
	return strings.Replace(s, ".", ",", 1) + "\u00a0%"
}
