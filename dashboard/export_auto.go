package dashboard

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"hailong/survey"
)

// AutoClose closes last month's figures ("Chốt số liệu") once days have
// passed since it ended, for every instrument, unless an official already
// did: reported numbers stop moving even if nobody remembers to close.
// Every replica may run it; the snapshot's unique id lets one win.
func (x *Exporter) AutoClose(ctx context.Context, days int, audit *Audit, log *slog.Logger, now func() time.Time) {
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

// closeDue closes the month before now's month when it is due.
func (x *Exporter) closeDue(ctx context.Context, days int, audit *Audit, log *slog.Logger, now time.Time) {
	last := survey.MonthOf(survey.MonthOf(now).Start.AddDate(0, 0, -1))
	if now.Before(last.End().AddDate(0, 0, days)) {
		return
	}
	seen := map[string]bool{}
	for _, id := range x.Instruments.IDs() {
		code, _, _ := strings.Cut(id, "@")
		in, ok := x.Instruments.Latest(code)
		if !ok || seen[in.ID()] {
			continue
		}
		seen[in.ID()] = true
		sum, err := x.Close(ctx, last.Start, in, systemUser, now)
		switch {
		case errors.Is(err, ErrClosed):
			continue
		case err != nil:
			log.Error("close month automatically", "month", last.Label(), "instrument", in.ID(), "err", err)
			continue
		}
		log.Info("month closed automatically", "month", last.Label(), "instrument", in.ID(), "sha256", sum)
		if err := audit.Log(ctx, systemUser, "month.close", "export:"+last.Label()+"|"+in.ID(), nil,
			map[string]any{"sha256": sum, "automatic": true, "after_days": days}, now); err != nil {
			log.Error("audit automatic close", "err", err)
		}
	}
}

// systemUser signs what the service does by itself in the audit log.
const systemUser = "hệ thống"
