package survey

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/limit"
	"hailong/internal/metrics"
	"hailong/internal/web"
	"hailong/survey/period"
)

// Limits are the citizen side's abuse rules. A count of 0 (or a zero
// duration) turns a rule off, so a test or a load test relaxes them by
// configuration.
type Limits struct {
	// IPPerHour is how many answers one client address may send to one
	// desk per hour. Generous: a service centre shares one Wi-Fi address.
	IPPerHour int
	// DevicePerWindow answers per device (the hl_cid cookie) per desk per
	// DeviceWindow. Kiosk tablets and receipt links (one per dossier) are
	// exempt: a kiosk is every citizen's device.
	DevicePerWindow int
	DeviceWindow    time.Duration
	// DeskPerMinute is a burst ceiling far above a real desk's pace; answers
	// above it are stored as suspect ("burst"), not refused.
	DeskPerMinute int
	// MinFill is the shortest render→submit time a person needs; faster
	// answers are stored as suspect ("too_fast").
	MinFill time.Duration
}

// DefaultLimits are sensible for a busy centre: 60 answers an hour per
// desk from one address, one per phone per desk in 12 hours, a desk
// bursting past 30 a minute, under 5 seconds to fill the form.
func DefaultLimits() Limits {
	return Limits{IPPerHour: 60, DevicePerWindow: 1, DeviceWindow: 12 * time.Hour, DeskPerMinute: 30, MinFill: 5 * time.Second}
}

// off reports whether every Redis-kept limit is off (a load test's
// setting): then a submission costs Redis nothing.
func (l Limits) off() bool {
	return l.IPPerHour <= 0 && (l.DevicePerWindow <= 0 || l.DeviceWindow <= 0) && l.DeskPerMinute <= 0
}

// Reasons a response is stored as suspect.
const (
	ReasonHoneypot     = "honeypot"      // the invisible field was filled
	ReasonTooFast      = "too_fast"      // submitted faster than a person can read the form
	ReasonBurst        = "burst"         // the desk received answers far faster than it serves people
	ReasonStaffNetwork = "staff_network" // sent from the unit's own staff network
)

// DeviceIDCookie is a random first-party id of the citizen's browser: the
// only way to tell apart people sharing one Wi-Fi address. Redis keeps it
// only as a keyed hash, for the device limit's window.
const DeviceIDCookie = "hl_cid"

// deviceID returns the request's device id, issuing a fresh one (on form
// views) when issue is set.
func deviceID(c echo.Context, issue bool) string {
	if ck, err := c.Cookie(DeviceIDCookie); err == nil && ck.Value != "" && len(ck.Value) <= 64 {
		return ck.Value
	}
	if !issue {
		return ""
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	c.SetCookie(web.SiteCookie(c, &http.Cookie{Name: DeviceIDCookie, Value: id, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: web.IsHTTPS(c)}))
	return id
}

// attempt is what the abuse rules know of one submission.
type attempt struct {
	t      *target
	ip     string // client address as Echo's IP extractor found it
	device string // hl_cid, or "" when the browser sent none
	nonce  string
	took   time.Duration // from form render to submission, by the server's clock
}

// verdict is the abuse rules' answer: refused by a limit, or accepted
// with the reasons (if any) to store it as suspect.
type verdict struct {
	limit      string // metrics.LimitIP or metrics.LimitDevice when refused
	retryAfter time.Duration
	reasons    []string
}

// nonceMarkTTL outlives every ticket, so a resent form is always known.
const nonceMarkTTL = ticketMaxAge + time.Hour

// judge applies the limits and the suspicion rules to a submission.
func (h *Handler) judge(ctx context.Context, a attempt) verdict {
	var v verdict
	lim, lm := h.limiter, h.limits
	// A double tap or a resent form carries a nonce already judged: it
	// must reach the thank-you (the first copy is stored), never a refusal.
	nonceKey := "hl:nonce:" + a.nonce
	if lim != nil && !lm.off() && lim.FirstUse(ctx, nonceKey, nonceMarkTTL) {
		desk := a.t.limitKey()
		refuse := func(name string, d limit.Decision) verdict {
			lim.Forget(ctx, nonceKey) // a later retry is judged afresh
			return verdict{limit: name, retryAfter: d.RetryAfter}
		}
		// The address first: a refusal there must not spend the phone's
		// one answer, which the device limit would then hold for hours.
		if a.ip != "" {
			d := lim.Allow(ctx, metrics.LimitIP, "hl:ip:"+desk+":"+lim.Hash("ip", addressKey(a.ip)), limit.Rate{N: lm.IPPerHour, Per: time.Hour})
			if !d.Allowed {
				return refuse(metrics.LimitIP, d)
			}
		}
		if a.device != "" && a.t.Channel != ChannelKiosk && a.t.Channel != ChannelReceipt {
			d := lim.Allow(ctx, metrics.LimitDevice, "hl:dev:"+desk+":"+lim.Hash("device", a.device), limit.Rate{N: lm.DevicePerWindow, Per: lm.DeviceWindow})
			if !d.Allowed {
				return refuse(metrics.LimitDevice, d)
			}
		}
		if d := lim.Allow(ctx, metrics.LimitDesk, "hl:desk:"+desk, limit.Rate{N: lm.DeskPerMinute, Per: time.Minute}); !d.Allowed {
			v.reasons = append(v.reasons, ReasonBurst)
		}
	}
	if lm.MinFill > 0 && a.took < lm.MinFill {
		v.reasons = append(v.reasons, ReasonTooFast)
	}
	// A registered kiosk stands inside the office, on its network by design.
	if a.t.Channel != ChannelKiosk && inNetworks(a.ip, a.t.Unit.StaffCIDRs) {
		v.reasons = append(v.reasons, ReasonStaffNetwork)
	}
	return v
}

// addressKey is what the address limit counts: an IPv4 address, or the
// /64 network of an IPv6 one (a phone picks new addresses inside its /64).
func addressKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if addr = addr.Unmap(); addr.Is4() {
		return addr.String()
	}
	p, _ := addr.Prefix(64)
	return p.String()
}

// inNetworks reports whether ip lies in one of the CIDRs (validated when
// the unit was saved; a bad one is skipped).
func inNetworks(ip string, cidrs []string) bool {
	if len(cidrs) == 0 {
		return false
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, s := range cidrs {
		if p, err := netip.ParsePrefix(s); err == nil && p.Contains(addr) {
			return true
		}
	}
	return false
}

// refuse answers a limited citizen: 429 with Retry-After, and the form
// again with every answer kept and a calm message saying the rating was
// not sent and when it can be.
func (h *Handler) refuse(c echo.Context, t *target, form url.Values, v verdict) error {
	wait := max(v.retryAfter, time.Second)
	c.Response().Header().Set("Retry-After", RetryAfterSeconds(wait))
	lang := web.Lang(c)
	at := h.now().Add(wait).In(period.Vietnam)
	when := h.catalog.T(lang, "abuse.at", at.Format("15:04"), web.FormatDate(at))
	return h.renderForm(c, http.StatusTooManyRequests, t, form, nil, "abuse.limited_"+v.limit, WaitText(h.catalog, lang, wait), when)
}

// WaitText writes a wait for people: seconds under a minute, then whole
// minutes rounded up ("5 phút", "2 giờ 30 phút").
func WaitText(cat *web.Catalog, lang string, d time.Duration) string {
	if d < time.Minute {
		return cat.T(lang, "abuse.seconds", int(max((d+time.Second-1)/time.Second, 1)))
	}
	m := int((d + time.Minute - 1) / time.Minute)
	switch {
	case m < 60:
		return cat.T(lang, "abuse.minutes", m)
	case m%60 == 0:
		return cat.T(lang, "abuse.hours", m/60)
	default:
		return cat.T(lang, "abuse.hours_minutes", m/60, m%60)
	}
}

// RetryAfterSeconds is d for the Retry-After header: whole seconds, at least 1.
func RetryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(int(max((d+time.Second-1)/time.Second, 1)))
}
