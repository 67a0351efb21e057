package desks

import (
	"html"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/web"
)

// embedView is the data of the embed page: the two snippets an official
// pastes into the city portal for one unit.
type embedView struct {
	Unit, UnitName string
	PortalURL      string
	Link, Frame    string
	// Origins are the sites allowed to frame the survey.
	Origins string
}

// EmbedSnippets returns the one-line snippets of a unit's portal survey:
// a link button, and an iframe with a tiny inline listener that sets the
// frame's height to what the framed page posts. Nothing is loaded from any
// origin but base's; the listener trusts only base's origin and its own
// frame.
func EmbedSnippets(base, unitID, unitName string) (link, frame string) {
	src := base + "/p/" + url.PathEscape(unitID)
	origin := base
	if u, err := url.Parse(base); err == nil {
		origin = u.Scheme + "://" + u.Host
	}
	title := html.EscapeString("Khảo sát sự hài lòng – " + unitName)
	id := "hailong-" + html.EscapeString(unitID)
	link = `<a href="` + html.EscapeString(src) + `" style="display:inline-block;padding:.75em 1.25em;background:#a50e0e;color:#fff;border-radius:.5em;font-weight:600;text-decoration:none">` +
		title + `</a>`
	frame = `<iframe id="` + id + `" src="` + html.EscapeString(src) + `" title="` + title + `" style="width:100%;max-width:760px;height:900px;border:0"></iframe>` +
		`<script>addEventListener("message",function(e){var f=document.getElementById("` + id + `");` +
		`if(f&&e.source===f.contentWindow&&e.origin==="` + origin + `"&&e.data&&e.data.hailong==="height")f.style.height=e.data.height+"px"})</script>`
	return link, frame
}

// embedPage serves GET /units/:id/embed: the snippets for a unit the
// official may see (another unit answers as if it did not exist).
func (h *Handler) embedPage(c echo.Context) error {
	id := c.Param("id")
	u, err := auth.ViewerOf(c).Unit(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := embedView{Unit: id, UnitName: u.Name, PortalURL: h.links.Portal(id), Origins: h.embedOrigins}
	v.Link, v.Frame = EmbedSnippets(h.links.Base(), id, u.Name)
	return web.RenderPage(c, http.StatusOK, "embed", web.NewPage(c, "embed.title", v))
}
