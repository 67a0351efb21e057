// Package cli is what the command-line tools share: a usage mistake as an
// error of its own (the process exits with code 2, before anything
// starts), flag parsing that reports a mistake in one line, and store
// URLs with their credentials hidden before they are printed.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// UsageError is a mistake in the command line or the configuration:
// nothing was started.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

// Usagef returns a *UsageError.
func Usagef(format string, a ...any) error { return &UsageError{msg: fmt.Sprintf(format, a...)} }

// ParseFlags parses args into fs. A mistake is one line naming the
// problem and where to look (a *UsageError), not the whole flag list; -h
// still prints the list and returns flag.ErrHelp.
func ParseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "Usage of %s:\n", fs.Name())
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return Usagef("%v (run \"hailong help\", or \"%s -h\" for the flags)", err, fs.Name())
	}
	return nil
}

// RedactURI hides the credentials of a store URL.
func RedactURI(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return "(invalid URL)"
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if slash := strings.Index(rest, "/"); slash < 0 || at < slash {
			rest = "***@" + rest[at+1:]
		}
	}
	return scheme + "://" + rest
}
