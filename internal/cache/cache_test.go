package cache

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"hailong/internal/derrors"
)

// loader counts its loads and answers with what it is told to.
type loader struct {
	n   int
	v   string
	err error
}

func (l *loader) load(context.Context) (string, error) {
	l.n++
	return l.v, l.err
}

func TestTTL(t *testing.T) {
	ctx := context.Background()
	c := New[string](time.Hour)
	l := &loader{v: "a"}
	for range 3 {
		if v, err := c.Get(ctx, "k", l.load); v != "a" || err != nil {
			t.Fatalf("Get = %q, %v; want a", v, err)
		}
	}
	if l.n != 1 {
		t.Errorf("%d loads within the ttl, want 1", l.n)
	}
	c.Reset()
	l.v = "b"
	if v, _ := c.Get(ctx, "k", l.load); v != "b" || l.n != 2 {
		t.Errorf("after Reset: %q after %d loads, want b after 2", v, l.n)
	}
}

func TestTTLFailures(t *testing.T) {
	ctx := context.Background()
	c := New[string](0) // every Get reloads
	l := &loader{v: "seen"}
	if _, err := c.Get(ctx, "k", l.load); err != nil {
		t.Fatal(err)
	}
	// The store is unreachable: the value seen before stands in.
	l.err = fmt.Errorf("read desks: %w", derrors.ErrUnavailable)
	if v, err := c.Get(ctx, "k", l.load); v != "seen" || err != nil {
		t.Errorf("reload failing: %q, %v; want the earlier value", v, err)
	}
	// Gone from the store: said so.
	l.err = fmt.Errorf("desk: %w", derrors.ErrNotFound)
	if _, err := c.Get(ctx, "k", l.load); !errors.Is(err, derrors.ErrNotFound) {
		t.Errorf("reload of a deleted key: %v, want NotFound", err)
	}
	// A key never loaded has nothing to stand in.
	l.err = derrors.ErrUnavailable
	if _, err := c.Get(ctx, "other", l.load); !errors.Is(err, derrors.ErrUnavailable) {
		t.Errorf("first load failing: %v, want its error", err)
	}
}

func TestValue(t *testing.T) {
	ctx := context.Background()
	c := NewValue[[]string](time.Hour)
	l := func(n *int, err error) func(context.Context) ([]string, error) {
		return func(context.Context) ([]string, error) { *n++; return []string{"u"}, err }
	}
	var n int
	for range 3 {
		if v, err := c.Get(ctx, l(&n, nil)); len(v) != 1 || err != nil {
			t.Fatalf("Get = %v, %v", v, err)
		}
	}
	if n != 1 {
		t.Errorf("%d loads within the ttl, want 1", n)
	}
	c.Reset()
	boom := errors.New("boom")
	if v, err := c.Get(ctx, l(&n, boom)); v != nil || !errors.Is(err, boom) {
		t.Errorf("failed load: %v, %v; want nothing and its error", v, err)
	}
	if _, err := c.Get(ctx, l(&n, nil)); err != nil || n != 3 {
		t.Errorf("after a failed load: %v after %d loads, want a fresh load", err, n)
	}
}
