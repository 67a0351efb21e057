package exports

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/survey/period"
)

// AutoClose closes each past month's figures ("Chốt số liệu") once days have
// passed since it ended, for every instrument, unless an official already
// did: reported numbers stop moving even if nobody remembers to close.
// Every replica may run it; the snapshot's unique id lets one win.
func (x *Exporter) AutoClose(ctx context.Context, days int, audit *auth.Audit, log *slog.Logger, now func() time.Time) {
	if days <= 0 {
		return
	}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		x.closeDue(ctx, days, audit, log, now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// catchUpMonths bounds how far back automatic closing looks: a service
// that was down when a month fell due still closes it, within a year.
const catchUpMonths = 12

// closeDue closes every month of the last catchUpMonths that is due (it
// ended at least days ago) and still open, oldest first. Months that ended
// before the first answer are left alone: a fresh install has nothing to
// freeze.
func (x *Exporter) closeDue(ctx context.Context, days int, audit *auth.Audit, log *slog.Logger, now time.Time) {
	first, ok, err := x.Store.FirstResponseAt(ctx)
	if err != nil {
		log.Error("close months automatically", "err", err)
		return
	}
	if !ok {
		return
	}
	cur := period.MonthOf(now).Start
	for i := catchUpMonths; i >= 1; i-- {
		m := period.MonthOf(cur.AddDate(0, -i, 0))
		if now.Before(m.End().AddDate(0, 0, days)) || !first.Before(m.End()) {
			continue
		}
		x.closeMonthDue(ctx, m, days, audit, log, now)
	}
}

// closeMonthDue closes m for the latest version of every instrument.
func (x *Exporter) closeMonthDue(ctx context.Context, m period.Period, days int, audit *auth.Audit, log *slog.Logger, now time.Time) {
	seen := map[string]bool{}
	for _, id := range x.Instruments.IDs() {
		code, _, _ := strings.Cut(id, "@")
		in, ok := x.Instruments.Latest(code)
		if !ok || seen[in.ID()] {
			continue
		}
		seen[in.ID()] = true
		if _, err := x.Closed(ctx, m.Start, in); !errors.Is(err, derrors.ErrNotFound) {
			continue // closed already, or the store is down: next hour
		}
		sum, err := x.Close(ctx, m.Start, in, systemUser, now)
		switch {
		case errors.Is(err, ErrClosed):
			continue
		case err != nil:
			log.Error("close month automatically", "month", m.Label(), "instrument", in.ID(), "err", err)
			continue
		}
		log.Info("month closed automatically", "month", m.Label(), "instrument", in.ID(), "sha256", sum)
		if err := audit.Log(ctx, systemUser, "month.close", "export:"+m.Label()+"|"+in.ID(), nil,
			map[string]any{"sha256": sum, "automatic": true, "after_days": days}, now); err != nil {
			log.Error("audit automatic close", "err", err)
		}
	}
}

// systemUser signs what the service does by itself in the audit log.
const systemUser = "hệ thống"
