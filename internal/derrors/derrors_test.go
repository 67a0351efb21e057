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
		{"not found", ErrNotFound, http.StatusNotFound, "err.404", nil},
		{"wrapped not found", fmt.Errorf("read desk: %w", ErrNotFound), http.StatusNotFound, "err.404", nil},
		{"duplicate", ErrDuplicate, http.StatusConflict, "err.409", nil},
		{"conflict", ErrConflict, http.StatusConflict, "err.409", nil},
		{"forbidden", ErrForbidden, http.StatusForbidden, "err.403", nil},
		{"unavailable", ErrUnavailable, http.StatusServiceUnavailable, "err.unavailable", nil},
		{"problem", New(ErrNotFound, "err.param_unit", "vt-p9"), http.StatusNotFound, "err.param_unit", []any{"vt-p9"}},
		{"wrapped problem", fmt.Errorf("x: %w", New(ErrConflict, "err.month_closed")), http.StatusConflict, "err.month_closed", nil},
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
	err := Store(fmt.Errorf("inner: %w", ErrConflict), "close month")
	if !errors.Is(err, ErrConflict) || errors.Is(err, ErrUnavailable) {
		t.Errorf("Store(ErrConflict) = %v: kind lost or ErrUnavailable added", err)
	}
	cause := errors.New("socket closed")
	err = Store(cause, "insert")
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, cause) {
		t.Errorf("Store(cause) = %v: want ErrUnavailable wrapping the cause", err)
	}
}
