// Package rawcsv writes CSV for spreadsheets: a writer that also quotes
// the ';' Excel splits on in a Vietnamese locale, the escaping of cells a
// spreadsheet would run as formulas, and the raw responses export (one row
// of codes per answer) with its codebook.
package rawcsv

import (
	"bufio"
	"io"
	"strings"
)

// CSVWriter writes comma-separated records like encoding/csv, but also
// quotes every field that holds a ';': Excel in a Vietnamese (or most
// European) locale splits on ';', its list separator, and encoding/csv
// cannot be told to quote more. Every export CSV goes through it; formula
// escaping stays with SafeCell.
type CSVWriter struct {
	w   *bufio.Writer
	err error
}

// NewCSVWriter returns a writer to w; call Flush at the end.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: bufio.NewWriter(w)} }

// Write writes one record, ended by "\n".
func (cw *CSVWriter) Write(rec []string) error {
	for i, f := range rec {
		if i > 0 {
			cw.w.WriteByte(',')
		}
		if !needsQuotes(f) {
			cw.w.WriteString(f)
			continue
		}
		cw.w.WriteByte('"')
		cw.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
		cw.w.WriteByte('"')
	}
	_, err := cw.w.WriteString("\n")
	if err != nil && cw.err == nil {
		cw.err = err
	}
	return cw.err
}

// needsQuotes: what encoding/csv quotes (separator, quote, line breaks, a
// leading space or tab, a lone `\.`) plus ';'.
func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f == `\.` || f[0] == ' ' || f[0] == '\t' {
		return true
	}
	return strings.ContainsAny(f, ",;\"\r\n")
}

// Flush writes what is buffered.
func (cw *CSVWriter) Flush() {
	if err := cw.w.Flush(); err != nil && cw.err == nil {
		cw.err = err
	}
}

// Error is the first write error, if any.
func (cw *CSVWriter) Error() error { return cw.err }

// SafeCell escapes text a spreadsheet would read as a formula (= + - @,
// and the tab and carriage return some programs also treat so) with a
// leading apostrophe.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
