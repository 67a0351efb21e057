package web

import (
	"errors"
	"fmt"
	"hailong/internal/derrors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Error is an error with an explicit status and the catalogue message a
// user sees, for what the domain's kinds (package derrors) do not cover:
// 410, 413, 429 and the like. The one error handler turns it into a page
// or JSON.
type Error struct {
	Status int
	MsgID  string
	Args   []any
	Cause  error
}

// NewError returns an *Error; cause is logged, never shown.
func NewError(status int, msgID string, cause error, args ...any) *Error {
	return &Error{Status: status, MsgID: msgID, Cause: cause, Args: args}
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.MsgID, e.Cause)
	}
	return fmt.Sprintf("%d %s", e.Status, e.MsgID)
}

func (e *Error) Unwrap() error { return e.Cause }

// ErrorPage is the data of the error template.
type ErrorPage struct {
	Status  int
	Message string
	// Retry tells the citizen the problem is passing (5xx).
	Retry bool
}

// Status is what a person is shown for err: an explicit *Error or Echo's
// own (routing) errors first, then the domain's one table (derrors.Status).
// Pages that re-show a form with the message use it too.
func Status(err error) (status int, msgID string, args []any) {
	var we *Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &we):
		return we.Status, we.MsgID, we.Args
	case errors.As(err, &he):
		return he.Code, "err." + fmt.Sprint(he.Code), nil
	}
	return derrors.Status(err)
}

// ErrorHandler maps every error to a status and a friendly page, or JSON
// under /api/. 4xx are logged at info, 5xx at error with their cause.
func ErrorHandler(log *slog.Logger, cat *Catalog) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, msgID, args := Status(err)
		if !cat.Has(msgID) {
			msgID = "err.generic"
		}
		attrs := []any{"status", status, "method", c.Request().Method, "path", c.Request().URL.Path}
		if status >= 500 {
			log.Error("request failed", append(attrs, "err", err)...)
		} else {
			log.Info("request refused", append(attrs, "reason", msgID)...)
		}

		lang := Lang(c)
		msg := cat.T(lang, msgID, args...)
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			_ = c.JSON(status, map[string]any{"error": msg, "status": status})
			return
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		p := NewPage(c, "title.error", ErrorPage{Status: status, Message: msg, Retry: status >= 500})
		if rerr := RenderPage(c, status, "error", p); rerr != nil {
			log.Error("render error page", "err", rerr)
			_ = c.String(status, msg)
		}
	}
}
