package main

import (
	"flag"
	"fmt"
	"hailong/internal/cli"
	"io"
	"net"
	"strconv"
)

// checkAddr accepts a listen address host:port with a numeric port from 0
// to 65535, so a typo fails as a config error (exit 2) before the data
// directory and the stores are created, not later at listen (exit 1).
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (e.g. :8080 or 127.0.0.1:8080)", addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%q has port %q, want a number from 0 to 65535", addr, port)
	}
	return nil
}

// parseNamed reads what follows a verb of "hailong user" or "hailong
// token": NAME (except for list), the command's own flags into fs, and the
// service configuration after "--", which it returns.
func parseNamed(fs *flag.FlagSet, verb, what string, args []string, stderr io.Writer) (name string, rest []string, err error) {
	if verb != "list" {
		if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
			return "", nil, configErrorf("usage: %s %s [flags]", fs.Name(), what)
		}
		name, args = args[0], args[1:]
	}
	for i, a := range args {
		if a == "--" {
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	return name, rest, cli.ParseFlags(fs, args, stderr)
}
