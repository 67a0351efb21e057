package survey

import (
	"bytes"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"hailong/internal/web"
)

// The blank form of a desk is the same page for every citizen but for two
// values: the CSRF token and the form ticket. It is rendered once with
// placeholders and the two values are put in per request: template
// execution with html/template's escaping was most of a form view's cost.
// Placeholders are plain letters, which escaping leaves untouched.
const (
	csrfPlaceholder   = "HLCSRFPLACEHOLDERX"
	ticketPlaceholder = "HLTICKETPLACEHOLDERX"
	maxCachedForms    = 1000
)

type formCache struct {
	mu    sync.Mutex
	pages map[string]*web.SplicedPage
}

// renderBlank writes the blank form for t.
func (h *Handler) renderBlank(c echo.Context, t *target) error {
	lang := web.Lang(c)
	key := strings.Join([]string{lang, t.Path, t.Instrument.ID(), t.Desk.Name, t.Desk.NameEN, t.Unit.Name, t.Unit.NameEN, boolKey(t.Kiosk)}, "\x00")
	h.forms.mu.Lock()
	page, ok := h.forms.pages[key]
	h.forms.mu.Unlock()
	if !ok {
		var buf bytes.Buffer
		p := h.formPage(c, t, nil, nil, "", ticketPlaceholder)
		p.CSRF = csrfPlaceholder
		if err := c.Echo().Renderer.Render(&buf, "form", p, c); err != nil {
			return err
		}
		page = web.NewSplicedPage(buf.Bytes(), csrfPlaceholder, ticketPlaceholder)
		h.forms.mu.Lock()
		if h.forms.pages == nil || len(h.forms.pages) >= maxCachedForms {
			h.forms.pages = map[string]*web.SplicedPage{}
		}
		h.forms.pages[key] = page
		h.forms.mu.Unlock()
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return page.Write(c, http.StatusOK, web.CSRFToken(c), h.tickets.issue(t.Path, h.now()))
}

func boolKey(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
