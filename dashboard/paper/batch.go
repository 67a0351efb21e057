package paper

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/dashboard/desks"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

// batchRow is one batch as listed.
type batchRow struct {
	Batch
	UnitName, DeskName string
	First, Last        string
}

type paperPageView struct {
	Batches     []batchRow
	Units       []survey.Unit
	Desks       []survey.Desk
	Instruments []string
	Form        url.Values
	Error       string
}

// paperPage lists the batches in the official's scope, with the form
// that prints a new one.
func (h *Handler) paperPage(c echo.Context) error {
	return h.renderPaperPage(c, http.StatusOK, nil, "")
}

func (h *Handler) renderPaperPage(c echo.Context, status int, form url.Values, errMsg string) error {
	ctx := c.Request().Context()
	allDesks, err := h.store.Desks(ctx)
	if err != nil {
		return err
	}
	batches, err := h.forms.Batches(ctx)
	if err != nil {
		return err
	}
	viewer := auth.ViewerOf(c)
	in := viewer.SeesUnit
	v := paperPageView{Instruments: h.instruments.IDs(), Form: form, Error: errMsg}
	names := map[string]string{}
	for _, u := range viewer.Tree() {
		names[u.ID] = u.Name
	}
	v.Units = viewer.VisibleUnits(viewer.Tree())
	deskNames := map[string]string{}
	for _, d := range allDesks {
		deskNames[d.ID] = d.Name
		if in(d.Unit) {
			v.Desks = append(v.Desks, d)
		}
	}
	for _, b := range batches {
		if in(b.Unit) {
			v.Batches = append(v.Batches, batchRow{Batch: b, UnitName: names[b.Unit], DeskName: deskNames[b.Desk],
				First: b.Serial(1), Last: b.Serial(b.Count)})
		}
	}
	return web.RenderPage(c, status, "paper", web.NewPage(c, "paper.title", v))
}

// paperCreateBatch registers a batch of serials: unit, optional desk,
// instrument (default: the desk's, else that of the unit's first desk),
// count 1–1000, double keying or not.
func (h *Handler) paperCreateBatch(c echo.Context) error {
	ctx := c.Request().Context()
	lang := web.Lang(c)
	form, err := c.FormParams()
	if err != nil {
		return derrors.Param("err.400")
	}
	fail := func(id string, args ...any) error {
		return h.renderPaperPage(c, http.StatusUnprocessableEntity, form, h.catalog.T(lang, id, args...))
	}
	unit := strings.TrimSpace(form.Get("unit"))
	if _, err := auth.ViewerOf(c).Unit(ctx, unit); errors.Is(err, derrors.ErrNotFound) {
		return fail("paper.err_unit")
	} else if err != nil {
		return err
	}
	count, err := strconv.Atoi(strings.TrimSpace(form.Get("count")))
	if err != nil || count < 1 || count > maxBatchForms {
		return fail("paper.err_count", maxBatchForms)
	}
	allDesks, err := h.store.Desks(ctx)
	if err != nil {
		return err
	}
	var desk *survey.Desk
	if id := strings.TrimSpace(form.Get("desk")); id != "" {
		for i := range allDesks {
			if allDesks[i].ID == id {
				desk = &allDesks[i]
			}
		}
		if desk == nil || desk.Unit != unit {
			return fail("paper.err_desk")
		}
	}
	instr := strings.TrimSpace(form.Get("instrument"))
	if instr == "" {
		instr = defaultInstrument(desk, allDesks, unit)
	}
	in, ok := h.instruments.Get(instr)
	if !ok {
		in, ok = h.instruments.Latest(instr)
	}
	if !ok {
		return fail("paper.err_instrument")
	}
	b := &Batch{Unit: unit, Instrument: in.ID(), Count: count, Double: form.Get("double") != "",
		CreatedBy: auth.ViewerOf(c).User.Username, CreatedAt: h.now().UTC()}
	if desk != nil {
		b.Desk = desk.ID
	}
	for try := 0; ; try++ {
		b.ID = newBatchCode()
		err = h.forms.InsertBatch(ctx, b)
		if !errors.Is(err, derrors.ErrDuplicate) || try == 5 {
			break
		}
	}
	if err != nil {
		return err
	}
	if err := h.audit.Log(ctx, b.CreatedBy, "paper.batch_create", "paper_batch:"+b.ID, nil, b, h.now()); err != nil {
		return err
	}
	h.log.Info("paper batch created", "batch", b.ID, "unit", b.Unit, "count", b.Count, "double", b.Double)
	return c.Redirect(http.StatusSeeOther, "/paper/batches/"+b.ID)
}

// defaultInstrument is the instrument code a batch prints when none is
// chosen: its desk's, else that of the unit's first active desk, else the
// counter form.
func defaultInstrument(desk *survey.Desk, all []survey.Desk, unit string) string {
	if desk != nil {
		return desk.Instrument
	}
	for _, d := range all {
		if d.Unit == unit && d.Active && d.Instrument != "" {
			return d.Instrument
		}
	}
	return "counter"
}

// paperBatch returns the batch of the :id parameter in the official's
// scope; any other is a 404.
func (h *Handler) paperBatch(c echo.Context) (*Batch, error) {
	ctx := c.Request().Context()
	b, err := h.forms.Batch(ctx, strings.ToUpper(c.Param("id")))
	if err != nil {
		return nil, err
	}
	if !auth.ViewerOf(c).SeesUnit(b.Unit) {
		return nil, derrors.ErrNotFound
	}
	return b, nil
}

// onlineURL is where a printed form's QR leads: the desk's survey, or the
// unit's portal survey for unit-level batches and for desks whose printed
// code would not be accepted (rotating, paused).
func (h *Handler) onlineURL(c echo.Context, b *Batch) string {
	if b.Desk != "" {
		if d, err := h.store.Desk(c.Request().Context(), b.Desk); err == nil && d.Active && d.QRMode != survey.QRRotating {
			return h.links.Survey(d)
		}
	}
	return h.links.Portal(b.Unit)
}

// paperOnlineQR serves the QR of a batch's online survey.
func (h *Handler) paperOnlineQR(c echo.Context) error {
	b, err := h.paperBatch(c)
	if err != nil {
		return err
	}
	// No-cache: the desk's code, and so this image, changes at a rotation.
	return desks.ServeQR(c, h.onlineURL(c, b), strings.HasSuffix(c.Path(), ".png"), 0, desks.QRNoCache)
}

// paperSerialQR serves GET /paper/qr/{serial}.svg|.png: a serial as a QR,
// for a scanner at the entry screen.
func (h *Handler) paperSerialQR(c echo.Context) error {
	file := c.Param("file")
	png := strings.HasSuffix(file, ".png")
	if !png && !strings.HasSuffix(file, ".svg") {
		return derrors.ErrNotFound
	}
	serial, ok := parseSerial(strings.TrimSuffix(strings.TrimSuffix(file, ".png"), ".svg"))
	if !ok {
		return derrors.ErrNotFound
	}
	c.SetParamNames("id")
	c.SetParamValues(serialBatch(serial))
	if _, err := h.paperBatch(c); err != nil {
		return err
	}
	return desks.ServeQR(c, serial, png, 0, desks.QRCacheControl)
}
