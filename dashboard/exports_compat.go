package dashboard

import (
	"io"

	"hailong/dashboard/exports"
	"hailong/internal/web"
)

// The PDF renderer (cmd/hailong/export_pdf.go) still names the exports
// here; it is moving to internal/pdf at the same time as the exports move
// to dashboard/exports. These names bridge the two moves: delete this file
// when they are merged.

// Exporter is exports.Exporter.
//
// Deprecated: use exports.Exporter.
type Exporter = exports.Exporter

// ExportScope is exports.Scope.
//
// Deprecated: use exports.Scope.
type ExportScope = exports.Scope

// RenderReport is exports.RenderReport.
//
// Deprecated: use exports.RenderReport.
func RenderReport(w io.Writer, r *web.Renderer, v *exports.ReportView) error {
	return exports.RenderReport(w, r, v)
}
