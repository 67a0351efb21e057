package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"hailong/dashboard/exports"
	"hailong/dashboard/plan"
	"hailong/internal/cli"
	"hailong/internal/derrors"
	"hailong/internal/pdf"
	"hailong/internal/web"
	"hailong/static"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"

	"github.com/labstack/echo/v4"
)

// monthExport is the flags of "hailong export -month …".
type monthExport struct {
	Month, Format, Out, Unit, Table, Instrument string
}

func parseMonthExport(args []string, stderr io.Writer) (monthExport, []string, error) {
	var m monthExport
	fs := flag.NewFlagSet("hailong export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&m.Month, "month", "", "month to export, YYYY-MM (Vietnam time)")
	fs.StringVar(&m.Format, "format", "xlsx", "xlsx, csv or pdf (the report page printed by headless Chromium)")
	fs.StringVar(&m.Out, "o", "", "output file (default: the download's file name; - for stdout)")
	fs.StringVar(&m.Unit, "unit", "", "unit id: export that unit's subtree only (default: every unit)")
	fs.StringVar(&m.Table, "table", "summary", "CSV table: summary, criteria, desks, channels, comments or plan")
	fs.StringVar(&m.Instrument, "instrument", "counter", "instrument code or code@version")
	if err := cli.ParseFlags(fs, args, stderr); err != nil {
		return m, nil, err
	}
	if _, ok := period.ParseMonth(m.Month); !ok {
		return m, nil, configErrorf("-month: %q is not a month like 2024-05", m.Month)
	}
	switch m.Format {
	case "xlsx", "csv", "pdf":
	default:
		return m, nil, configErrorf("-format: %q is not xlsx, csv or pdf", m.Format)
	}
	// Checked before any file is created: a bad table leaves nothing behind.
	if !slices.Contains(exports.CSVTables(), m.Table) {
		return m, nil, configErrorf("-table: %q is not one of %s", m.Table, strings.Join(exports.CSVTables(), ", "))
	}
	return m, fs.Args(), nil
}

// exportMonth is "hailong export -month 2024-05 -format xlsx -o FILE": the
// same tables, through the same code, as GET /exports/2024-05.xlsx.
func exportMonth(ctx context.Context, cfg config, m monthExport, stdout, stderr io.Writer) error {
	instr, err := survey.LoadInstruments()
	if err != nil {
		return err
	}
	// Checked before the stores open: a bad -instrument fails at once.
	if _, err := exports.FindInstrument(instr, m.Instrument); err != nil {
		return configErrorf("-instrument: no instrument %q", m.Instrument)
	}
	cat, err := web.LoadCatalog(static.FS, "i18n/*.yaml")
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogFormat, stderr)
	st, closeStores, err := openData(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStores()
	store := survey.NewStore(st.db)
	x := &exports.Exporter{Store: store, Rollups: rollup.NewRollups(st.db, st.redis, log), Instruments: instr,
		Tasks: plan.NewTasks(st.db), Comments: survey.NewComments(st.redis, st.db), Catalog: cat,
		Snapshots: st.db.Collection("snapshots")}
	scope, err := monthScope(ctx, x, store, m)
	if err != nil {
		return err
	}
	var sum string // the closed month's SHA-256, "" while it is open
	switch snap, err := x.Closed(ctx, scope.Month, scope.Instrument); {
	case err == nil:
		sum = snap.SHA256
	case !errors.Is(err, derrors.ErrNotFound):
		return err
	}
	if err := writeMonth(ctx, x, scope, m, sum, stdout, stderr); err != nil {
		return err
	}
	if sum != "" {
		// On stderr, so "-o -" output stays the file alone.
		fmt.Fprintf(stderr, "month %s is closed; SHA-256 %s\n", m.Month, sum)
	}
	return nil
}

// monthScope resolves the flags' scope as the HTTP exports do, over every
// unit: an unknown -unit is a usage error.
func monthScope(ctx context.Context, x *exports.Exporter, store *survey.Store, m monthExport) (exports.Scope, error) {
	start, _ := period.ParseMonth(m.Month) // checked with the flags
	var tree exports.AllUnits
	if m.Unit != "" {
		units, err := store.Units(ctx)
		if err != nil {
			return exports.Scope{}, err
		}
		tree = units
	}
	scope, err := x.ResolveScope(ctx, tree, start, m.Instrument, m.Unit)
	if errors.Is(err, derrors.ErrNotFound) {
		return scope, configErrorf("-unit: no unit %q", m.Unit)
	}
	return scope, err
}

// writeMonth writes the export to -o (default: the download's name, with
// the SHA-256 of a closed month; "-": stdout).
func writeMonth(ctx context.Context, x *exports.Exporter, scope exports.Scope, m monthExport, sum string, stdout, stderr io.Writer) error {
	var mt *exports.MonthTables
	var pdf []byte
	var err error
	if m.Format == "pdf" {
		pdf, err = reportPDF(ctx, x, scope)
	} else {
		mt, err = x.Month(ctx, scope)
	}
	if err != nil {
		return err
	}
	name := m.Month
	if m.Format == "csv" {
		name += "-" + m.Table
	}
	out := m.Out
	if out == "" {
		out = exports.WithSHA(exports.FileName(name, m.Unit, m.Format), sum)
	}
	var w io.Writer = stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	switch m.Format {
	case "pdf":
		_, err = w.Write(pdf)
	case "xlsx":
		err = exports.WriteXLSX(w, mt, x.Catalog)
	default:
		err = exports.WriteCSV(w, mt, x.Catalog, m.Table)
	}
	if err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && f != os.Stdout {
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", out)
	}
	return nil
}

// reportPDF prints the month's report page to PDF with headless Chromium
// (package pdf), with the page's own assets.
func reportPDF(ctx context.Context, x *exports.Exporter, scope exports.Scope) ([]byte, error) {
	// No browser: say so before building the report.
	if _, err := pdf.Chromium(); err != nil {
		return nil, err
	}
	assets, err := web.NewAssets(static.FS)
	if err != nil {
		return nil, err
	}
	render, err := web.NewRenderer(static.FS, x.Catalog, assets)
	if err != nil {
		return nil, err
	}
	html, err := exports.ReportHTML(ctx, x, render, scope)
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.GET("/static/*", assets.Handler)
	return pdf.Print(ctx, html, e)
}
