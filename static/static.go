// Package static holds the files served or rendered by the web pages:
// templates, styles, scripts and the UI text catalogue.
package static

import "embed"

// FS is every file the binary serves or renders.
//
//go:embed all:templates css js i18n
var FS embed.FS
