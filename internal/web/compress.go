package web

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
)

// compressWrapper gzips answers of 1 KB and more at the fastest level:
// pages are a few KB and CPU is what runs out first. Echo's own gzip
// middleware was replaced because its writers (about 1 MB each) were
// allocated anew after every garbage collection and made the memory of a
// loaded process swing by hundreds of MB; gzhttp's are a fraction of that.
// Answers that already carry a Content-Encoding (SplicedPage) pass as
// they are. Zstd is off: the precompressed forms speak gzip only.
var compressWrapper = func() func(http.Handler) http.HandlerFunc {
	w, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(gzip.BestSpeed), gzhttp.EnableZstd(false))
	if err != nil {
		panic(err) // fixed options: cannot fail
	}
	return w
}()

// Compress wraps the service's handler.
func Compress(h http.Handler) http.Handler { return compressWrapper(h) }
