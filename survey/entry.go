package survey

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/web"
)

// QR modes of a desk.
const (
	QRStatic   = "static"   // the printed poster's code
	QRRotating = "rotating" // a screen facing the citizen shows a code that changes every minute
)

// Token purposes (see qr.Signer.Seal).
const (
	PurposeReceipt = "receipt"
	PurposeDevice  = "device"
)

// DeviceCookie holds the token of a registered kiosk tablet or desk display.
const DeviceCookie = "hl_device"

// Device kinds a token is issued for.
const (
	DeviceKiosk   = "kiosk"
	DeviceDisplay = "display"
)

// DeviceToken returns the token an official's registration puts on a
// tablet or display of desk. Rotating the desk's device epoch revokes it.
func DeviceToken(codes DeskCodes, d *Desk, kind string, now time.Time) string {
	return codes.Seal(PurposeDevice, d.ID, kind, strconv.Itoa(d.DeviceEpoch), strconv.FormatInt(now.Unix(), 10))
}

// DeviceAllowed reports whether the request carries a live token of kind
// for desk d.
func DeviceAllowed(c echo.Context, codes DeskCodes, d *Desk, kind string) bool {
	ck, err := c.Cookie(DeviceCookie)
	if err != nil {
		return false
	}
	f, ok := codes.Open(PurposeDevice, ck.Value)
	return ok && len(f) == 4 && f[0] == d.ID && f[1] == kind && f[2] == strconv.Itoa(d.DeviceEpoch)
}

// resolveKiosk opens a desk's kiosk form on a registered tablet only:
// anyone else could otherwise rate a desk from home as "kiosk".
func (h *Handler) resolveKiosk(c echo.Context, _ time.Time) (*target, error) {
	t, err := h.desk(c.Request().Context(), c.Param("desk"))
	if err != nil {
		return nil, err
	}
	if !DeviceAllowed(c, h.codes, t.Desk, DeviceKiosk) {
		return nil, web.NewError(http.StatusForbidden, "err.kiosk_unregistered", nil)
	}
	t.Channel, t.Path, t.Kiosk = ChannelKiosk, "/k/"+t.Desk.ID, true
	return t, nil
}

// ReceiptToken returns the token of a receipt link: the desk, the keyed
// hash of the dossier code, when it was issued, and the optional procedure
// and field, so the survey needs no stored state until it is answered.
func ReceiptToken(codes DeskCodes, deskID, dossierHash, procedure, field string, now time.Time) string {
	return codes.Seal(PurposeReceipt, deskID, dossierHash, strconv.FormatInt(now.Unix(), 10), procedure, field)
}

// resolveReceipt opens a receipt link: valid signature, not expired.
func (h *Handler) resolveReceipt(c echo.Context, at time.Time) (*target, error) {
	tok := c.Param("token")
	f, ok := h.codes.Open(PurposeReceipt, tok)
	if !ok || len(f) != 5 {
		return nil, web.NewError(http.StatusNotFound, "err.receipt_invalid", nil)
	}
	issued, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return nil, web.NewError(http.StatusNotFound, "err.receipt_invalid", nil)
	}
	if at.Sub(time.Unix(issued, 0)) > h.receiptTTL {
		return nil, receiptExpired(h.receiptTTL)
	}
	t, err := h.desk(c.Request().Context(), f[0])
	if err != nil {
		return nil, err
	}
	t.Channel, t.Path = ChannelReceipt, "/r/"+tok
	t.Dossier, t.Procedure, t.Field = f[1], f[3], f[4]
	return t, nil
}

// receiptExpired says how long a receipt link was valid, in the largest
// whole unit: "30 ngày", or "12 giờ" for a TTL under a day, never "0 ngày".
func receiptExpired(ttl time.Duration) error {
	switch {
	case ttl >= 24*time.Hour:
		return web.NewError(http.StatusGone, "err.receipt_expired", nil, int(ttl/(24*time.Hour)))
	case ttl >= time.Hour:
		return web.NewError(http.StatusGone, "err.receipt_expired_hours", nil, int(ttl/time.Hour))
	default:
		return web.NewError(http.StatusGone, "err.receipt_expired_minutes", nil, max(1, int(ttl/time.Minute)))
	}
}
