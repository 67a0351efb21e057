package exports

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/rawcsv"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// FileName is the download's file name, ASCII only: chi-so-hai-long-2024-05[-unit].ext.
func FileName(month, unit, ext string) string {
	name := "chi-so-hai-long-" + month
	if unit != "" {
		name += "-" + unit
	}
	return name + "." + ext
}

// SHAHeader carries a closed month's SHA-256 on each of its downloads.
const SHAHeader = "X-Hailong-SHA256"

// WithSHA adds the first 8 hex digits of a closed month's SHA-256 to a
// download name (chi-so-hai-long-2024-05-summary-sha256-1a2b3c4d.csv), so
// a saved file says which frozen figures it holds while its content stays
// a plain table; an empty sum (open month) leaves name alone.
func WithSHA(name, sum string) string {
	if len(sum) < 8 {
		return name
	}
	base, ext, _ := strings.Cut(name, ".")
	return base + "-sha256-" + sum[:8] + "." + ext
}

// CSVTables lists the tables "?table=" and "-table" accept.
func CSVTables() []string { return append([]string(nil), csvTables...) }

// exportFile serves GET /exports/:file: MONTH.xlsx, MONTH.csv, raw.csv, codebook.csv.
func (h *Handler) exportFile(c echo.Context) error {
	file := c.Param("file")
	switch file {
	case "raw.csv":
		return h.exportRaw(c)
	case "codebook.csv":
		return h.exportCodebook(c)
	}
	month, ext, ok := strings.Cut(file, ".")
	if !ok || (ext != "xlsx" && ext != "csv") {
		return derrors.New(derrors.ErrNotFound, "err.param_export", file)
	}
	scope, err := h.monthScope(c, month)
	if err != nil {
		return err
	}
	table := c.QueryParam("table")
	if ext == "csv" {
		if table == "" {
			table = "summary"
		}
		if !slices.Contains(csvTables, table) {
			return derrors.Param("err.param_enum", "table", strings.Join(csvTables, ", "))
		}
	}
	mt, err := h.exporter.Month(c.Request().Context(), scope)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	ctype := xlsxType
	if ext == "xlsx" {
		err = WriteXLSX(&buf, mt, h.exporter.Catalog)
	} else {
		ctype = "text/csv; charset=utf-8"
		err = WriteCSV(&buf, mt, h.exporter.Catalog, table)
		month += "-" + table
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", file, err) // a bug: 500
	}
	attach(c, WithSHA(FileName(month, scope.Unit, ext), mt.SHA256))
	if mt.SHA256 != "" {
		c.Response().Header().Set(SHAHeader, mt.SHA256)
	}
	return c.Blob(http.StatusOK, ctype, buf.Bytes())
}

func attach(c echo.Context, name string) {
	c.Response().Header().Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
}

// exportRaw streams one CSV row per response of [from, to] in the scope
// (desk= and channel= narrow it further), whatever its status.
func (h *Handler) exportRaw(c echo.Context) error {
	f, err := h.filters.Parse(c)
	if err != nil {
		return err
	}
	q, scope, pj := f.Query, f.Scope, f.Period
	res := c.Response()
	attach(c, "phieu-tra-loi-"+pj.From+"-"+pj.To+suffix(scope.Unit)+".csv")
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.WriteHeader(http.StatusOK)
	rw, err := rawcsv.NewWriter(res, q.Instrument, web.Streaming(res.Writer))
	if err != nil {
		return nil // the client went away
	}
	prefix := q.Instrument.Code + "@"
	err = h.exporter.Store.EachResponse(c.Request().Context(), q.From, q.To.AddDate(0, 0, 1), q.Units, func(r *survey.Response) error {
		if !strings.HasPrefix(r.Instrument, prefix) || (q.Desk != "" && r.Desk != q.Desk) || (q.Channel != "" && r.Channel != q.Channel) {
			return nil
		}
		return rw.Write(r)
	})
	if err != nil {
		// Headers are sent: a truncated file is all that can signal it.
		h.log.Warn("raw export", "err", err)
		return nil
	}
	return rw.Close()
}

func suffix(unit string) string {
	if unit == "" {
		return ""
	}
	return "-" + unit
}

// exportCodebook lists the instrument's item and option codes.
func (h *Handler) exportCodebook(c echo.Context) error {
	f, err := h.filters.Parse(c)
	if err != nil {
		return err
	}
	q := f.Query
	var buf bytes.Buffer
	if err := rawcsv.WriteCodebook(&buf, q.Instrument); err != nil {
		return fmt.Errorf("write codebook: %w", err) // a bug: 500
	}
	attach(c, "bang-ma-"+q.Instrument.Code+".csv")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
