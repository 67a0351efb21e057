package web

import "net/http"

// HeadAsGet answers HEAD like GET: link-preview bots (Zalo, Facebook) and
// uptime checkers send HEAD, and Echo routes only the methods registered.
// The handler sees a GET on a copy of the request; net/http still knows
// the original is HEAD and drops the body, keeping status and headers.
func HeadAsGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			g := r.Clone(r.Context())
			g.Method = http.MethodGet
			r = g
		}
		h.ServeHTTP(w, r)
	})
}
