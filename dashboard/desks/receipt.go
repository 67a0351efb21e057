package desks

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/qr"
	"hailong/survey"
)

// fieldID is what a field (lĩnh vực) id looks like, as desks list them.
var fieldID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// receiptRequest is POST /api/v1/receipt-links.
type receiptRequest struct {
	Desk        string `json:"desk"`
	DossierCode string `json:"dossier_code"`
	Procedure   string `json:"procedure"`
	Field       string `json:"field"`
}

// receiptLink is what a one-stop system prints on the dossier receipt.
type receiptLink struct {
	Desk      string    `json:"desk"`
	URL       string    `json:"url"`
	QRPNG     string    `json:"qr_png"` // base64 PNG of URL
	ExpiresAt time.Time `json:"expires_at"`
}

// apiReceiptLink signs a single-use survey link for one dossier. The
// dossier code itself is never stored: the link carries its keyed hash,
// and the first answer claims it.
func (h *Handler) apiReceiptLink(c echo.Context) error {
	var req receiptRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	req.DossierCode = strings.TrimSpace(req.DossierCode)
	switch {
	case req.Desk == "":
		return derrors.Param("err.field_required", "desk")
	case req.DossierCode == "":
		return derrors.Param("err.field_required", "dossier_code")
	case utf8.RuneCountInString(req.DossierCode) > 100 || strings.ContainsAny(req.DossierCode, "\x00\r\n"):
		return derrors.Param("err.field_format", "dossier_code")
	// Characters, not bytes: a Vietnamese letter takes 2 or 3 bytes.
	case utf8.RuneCountInString(req.Procedure) > 200:
		return derrors.Param("err.field_too_long", "procedure", 200)
	case strings.ContainsAny(req.Procedure, "\x00\x1f\r\n"):
		return derrors.Param("err.field_chars", "procedure")
	case req.Field != "" && !fieldID.MatchString(req.Field):
		return derrors.Param("err.field_format", "field")
	}
	d, err := h.desk(c, req.Desk)
	if err != nil {
		return err
	}
	if !d.Active {
		return derrors.Param("err.desk_inactive")
	}
	// A desk of an inactive unit takes no answers: no new links either.
	if u, err := h.store.Unit(c.Request().Context(), d.Unit); err == nil && !u.IsActive() {
		return derrors.Param("err.desk_inactive")
	}
	// The field is stored on the answer and grouped by in reports: only
	// the desk's own fields (any well-formed one if the desk lists none).
	if req.Field != "" && len(d.Fields) > 0 && !slices.Contains(d.Fields, req.Field) {
		return derrors.Param("err.field_not_desk", req.Field, d.ID, strings.Join(d.Fields, ", "))
	}
	now := h.now()
	hash := h.codes.Keyed(survey.PurposeReceipt, req.DossierCode)
	url := h.links.Base() + "/r/" + survey.ReceiptToken(h.codes, d.ID, hash, req.Procedure, req.Field, now)
	png, err := qr.PNG(url, 384)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, receiptLink{
		Desk: d.ID, URL: url, QRPNG: base64.StdEncoding.EncodeToString(png), ExpiresAt: now.Add(h.receiptTTL).UTC(),
	})
}
