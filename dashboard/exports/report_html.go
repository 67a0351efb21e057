package exports

import (
	"bytes"
	"context"
	"time"

	"hailong/internal/web"
)

// ReportHTML renders the report page of scope's month as of now, for
// printing ("hailong export -format pdf"). Its assets are r's.
func ReportHTML(ctx context.Context, x *Exporter, r *web.Renderer, scope Scope) ([]byte, error) {
	v, err := x.Report(ctx, scope, time.Now(), "")
	if err != nil {
		return nil, err
	}
	var html bytes.Buffer
	if err := RenderReport(&html, r, v); err != nil {
		return nil, err
	}
	return html.Bytes(), nil
}
