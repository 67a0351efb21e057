package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// DecodeJSON reads a JSON request body into v, refusing unknown fields.
// A bad body is a 400 whose message says what is wrong in the reader's
// language, never the decoder's English text ("json: cannot unmarshal …
// into Go value of type dashboard.reviewRequest").
func DecodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	return nil
}

// jsonError names the problem of a decode error: empty, cut off, not
// JSON at a byte offset, a field of the wrong kind, an unknown field.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return NewError(http.StatusBadRequest, "err.json_empty", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return NewError(http.StatusBadRequest, "err.json_cut", err)
	case errors.As(err, &syntax):
		return NewError(http.StatusBadRequest, "err.json_syntax", err, syntax.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return NewError(http.StatusBadRequest, "err.json_object", err)
	case errors.As(err, &typ):
		return NewError(http.StatusBadRequest, "err.json_type", err, typ.Field)
	case errors.As(err, &tooBig):
		return NewError(http.StatusRequestEntityTooLarge, "err.413", err)
	}
	// The decoder has no type for an unknown field; its text is stable.
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return NewError(http.StatusBadRequest, "err.json_unknown", err, strings.Trim(f, `"`))
	}
	return NewError(http.StatusBadRequest, "err.json_bad", err)
}

// Patch applies one field of a PATCH body: a field the body had (v not
// nil) replaces *dst; an absent one leaves it as it is.
func Patch[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
