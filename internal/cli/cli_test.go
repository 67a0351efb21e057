package cli

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestRedactURI(t *testing.T) {
	for in, want := range map[string]string{
		"mongodb://u:p@h:27017/db": "mongodb://***@h:27017/db",
		"mongodb://h/db?x=a@b":     "mongodb://h/db?x=a@b",
		"nope":                     "(invalid URL)",
	} {
		if got := RedactURI(in); got != want {
			t.Errorf("RedactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	fs := flag.NewFlagSet("hailong x", flag.ContinueOnError)
	n := fs.Int("n", 1, "a count")
	var out bytes.Buffer
	err := ParseFlags(fs, []string{"-n", "nope"}, &out)
	var ue *UsageError
	if !errors.As(err, &ue) || strings.Count(err.Error(), "\n") != 0 || !strings.Contains(err.Error(), "hailong x -h") {
		t.Errorf("bad value: %v, want one line naming the command", err)
	}
	if out.Len() != 0 {
		t.Errorf("a mistake printed the flag list: %q", out.String())
	}
	if err := ParseFlags(fs, []string{"-h"}, &out); !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "a count") {
		t.Errorf("-h: %v, printed %q", err, out.String())
	}
	if err := ParseFlags(fs, []string{"-n", "3"}, &out); err != nil || *n != 3 {
		t.Errorf("-n 3: %v, n = %d", err, *n)
	}
}
