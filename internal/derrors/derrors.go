// Package derrors names the kinds of failure the whole service shares and
// maps each to the HTTP status and catalogue message a person sees, in one
// table (Status). Stores and services return these kinds, wrapped with %w;
// handlers return them unchanged; the one error handler reads the table.
package derrors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// The kinds. Compare with errors.Is.
var (
	// ErrNotFound: no such thing, or one outside the official's scope (the
	// two answer alike, so a scope cannot be probed).
	ErrNotFound = errors.New("not found")
	// ErrDuplicate: the thing exists already (a unique key was taken).
	ErrDuplicate = errors.New("already exists")
	// ErrConflict: the thing's state forbids the change (a month already
	// closed, a decision already taken).
	ErrConflict = errors.New("conflict")
	// ErrUnavailable: a store did not answer, or failed; trying again later
	// may work.
	ErrUnavailable = errors.New("store unavailable")
	// ErrForbidden: the official's role may not do this.
	ErrForbidden = errors.New("forbidden")
)

// Problem is a failure with the message key (and arguments) that says it
// best; its Kind gives the status. Build one with New.
type Problem struct {
	Kind  error
	MsgID string
	Args  []any
	Cause error
}

// New returns a Problem of kind with the catalogue message msgID.
func New(kind error, msgID string, args ...any) *Problem {
	return &Problem{Kind: kind, MsgID: msgID, Args: args}
}

func (p *Problem) Error() string {
	s := p.Kind.Error() + ": " + p.MsgID
	if p.Cause != nil {
		s += ": " + p.Cause.Error()
	}
	return s
}

// Unwrap gives errors.Is both the kind and the cause.
func (p *Problem) Unwrap() []error {
	if p.Cause == nil {
		return []error{p.Kind}
	}
	return []error{p.Kind, p.Cause}
}

// Invalid is bad input in a named parameter or body field: a 400 whose
// message (msgID, with args) names it.
type Invalid struct {
	MsgID string
	Args  []any
}

// Param returns an *Invalid for a request parameter or field.
func Param(msgID string, args ...any) *Invalid { return &Invalid{MsgID: msgID, Args: args} }

func (e *Invalid) Error() string { return fmt.Sprintf("invalid input: %s %v", e.MsgID, e.Args) }

// FieldProblems is implemented by validation errors that list problems by
// field (field → problem code). The table answers 400 with the message
// "err.field_<problem>" of the first field in name order.
type FieldProblems interface {
	error
	Problems() map[string]string
}

// Store classifies an error of a store call, at the store's boundary: no
// document is NotFound, a taken unique key Duplicate, anything else
// Unavailable. what says which call ("read user"); nil stays nil.
func Store(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments), errors.Is(err, redis.Nil):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("%s: %w", what, ErrDuplicate)
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrDuplicate), errors.Is(err, ErrConflict), errors.Is(err, ErrUnavailable):
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%s: %w: %w", what, ErrUnavailable, err)
}

// Status is the one table: the HTTP status, message key and arguments a
// person is shown for err. A failure of MongoDB or Redis that no store
// classified is still a 503 (the driver's own error types say so); what
// is left is a bug: 500.
func Status(err error) (status int, msgID string, args []any) {
	var p *Problem
	var inv *Invalid
	var fp FieldProblems
	switch {
	case errors.As(err, &p):
		status, _, _ = Status(p.Kind)
		return status, p.MsgID, p.Args
	case errors.As(err, &inv):
		return http.StatusBadRequest, inv.MsgID, inv.Args
	case errors.As(err, &fp):
		return fieldStatus(fp)
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, "err.404", nil
	case errors.Is(err, ErrDuplicate):
		return http.StatusConflict, "err.409", nil
	case errors.Is(err, ErrConflict):
		return http.StatusConflict, "err.409", nil
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, "err.403", nil
	case errors.Is(err, ErrUnavailable), storeFailure(err):
		return http.StatusServiceUnavailable, "err.unavailable", nil
	}
	return http.StatusInternalServerError, "err.500", nil
}

func fieldStatus(fp FieldProblems) (int, string, []any) {
	problems := fp.Problems()
	fields := make([]string, 0, len(problems))
	for f := range problems {
		fields = append(fields, f)
	}
	if len(fields) == 0 {
		return http.StatusBadRequest, "err.400", nil
	}
	sort.Strings(fields)
	return http.StatusBadRequest, "err.field_" + problems[fields[0]], []any{fields[0]}
}

// storeFailure recognises the drivers' own errors: a server's refusal, a
// network failure or a timeout.
func storeFailure(err error) bool {
	var se mongo.ServerError
	var re redis.Error
	var ne net.Error
	return errors.As(err, &se) || errors.As(err, &re) || errors.As(err, &ne) ||
		mongo.IsNetworkError(err) || mongo.IsTimeout(err) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, mongo.ErrClientDisconnected)
}
