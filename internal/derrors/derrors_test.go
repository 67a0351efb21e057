package derrors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

type fields map[string]string

func (f fields) Error() string               { return "invalid" }
func (f fields) Problems() map[string]string { return f }

func TestStatus(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		msgID  string
		args   []any
	}{
		{"not found", NotFound, http.StatusNotFound, "err.404", nil},
		{"wrapped not found", fmt.Errorf("read desk: %w", NotFound), http.StatusNotFound, "err.404", nil},
		{"duplicate", Duplicate, http.StatusConflict, "err.409", nil},
		{"conflict", Conflict, http.StatusConflict, "err.409", nil},
		{"forbidden", Forbidden, http.StatusForbidden, "err.403", nil},
		{"unavailable", Unavailable, http.StatusServiceUnavailable, "err.unavailable", nil},
		{"problem", New(NotFound, "err.param_unit", "vt-p9"), http.StatusNotFound, "err.param_unit", []any{"vt-p9"}},
		{"wrapped problem", fmt.Errorf("x: %w", New(Conflict, "err.month_closed")), http.StatusConflict, "err.month_closed", nil},
		{"invalid", Param("err.param_date", "from"), http.StatusBadRequest, "err.param_date", []any{"from"}},
		{"fields", fields{"parent": "cycle", "name": "required"}, http.StatusBadRequest, "err.field_required", []any{"name"}},
		{"store: no document", Store(mongo.ErrNoDocuments, "read unit"), http.StatusNotFound, "err.404", nil},
		{"store: other", Store(errors.New("connection reset"), "read unit"), http.StatusServiceUnavailable, "err.unavailable", nil},
		{"unclassified deadline", fmt.Errorf("read: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, "err.unavailable", nil},
		{"driver error", mongo.CommandError{Code: 11600, Message: "interrupted"}, http.StatusServiceUnavailable, "err.unavailable", nil},
		{"bug", errors.New("template: no such block"), http.StatusInternalServerError, "err.500", nil},
	}
	for _, tt := range tests {
		status, msgID, args := Status(tt.err)
		if status != tt.status || msgID != tt.msgID || !reflect.DeepEqual(args, tt.args) {
			t.Errorf("%s: Status(%v) = %d %q %v, want %d %q %v", tt.name, tt.err, status, msgID, args, tt.status, tt.msgID, tt.args)
		}
	}
}

func TestStoreKeepsKinds(t *testing.T) {
	if err := Store(nil, "x"); err != nil {
		t.Errorf("Store(nil) = %v", err)
	}
	err := Store(fmt.Errorf("inner: %w", Conflict), "close month")
	if !errors.Is(err, Conflict) || errors.Is(err, Unavailable) {
		t.Errorf("Store(Conflict) = %v: kind lost or Unavailable added", err)
	}
	cause := errors.New("socket closed")
	err = Store(cause, "insert")
	if !errors.Is(err, Unavailable) || !errors.Is(err, cause) {
		t.Errorf("Store(cause) = %v: want Unavailable wrapping the cause", err)
	}
}
