package web

import (
	"net/http"
	"time"
)

// StreamWindow is how long a streamed download may go without progress
// before the server gives up on the client.
const StreamWindow = 30 * time.Second

// Streaming returns a flush function for a long download: each call sends
// what is buffered and moves the write deadline StreamWindow ahead. The
// server's WriteTimeout bounds a whole response; without this a year of
// raw answers would be cut off after 30 seconds, mid-file.
func Streaming(w http.ResponseWriter) func() {
	return streaming(w, StreamWindow)
}

func streaming(w http.ResponseWriter, window time.Duration) func() {
	rc := http.NewResponseController(w)
	extend := func() { _ = rc.SetWriteDeadline(time.Now().Add(window)) }
	extend()
	return func() {
		_ = rc.Flush()
		extend()
	}
}
