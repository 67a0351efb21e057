// Command hailong runs the Hài Lòng service: citizens rate the public
// service they received at a one-stop desk, officials watch the results.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hailong/internal/cli"
	"hailong/internal/loadtest"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err on stderr and maps it to the process exit code:
// 2 for configuration and usage mistakes (every command's, the load
// tool's included), 1 for everything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "hailong:", err)
	var ue *cli.UsageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

const usage = `Hài Lòng — citizen satisfaction surveys at one-stop desks.

Usage:
  hailong [serve] [flags]   run the service (default)
  hailong reindex           rebuild every rollup from the stored responses (service stopped)
  hailong generate [-n N -from D -to D -seed S -desks D -instrument I] [-- serve flags]
                            add N realistic demo responses, then reindex (for benchmarks)
  hailong user add|passwd|disable|enable|list NAME [-role R -unit U -name N -password P] [-- flags]
                            manage officials' accounts
  hailong token add|list|revoke NAME [-unit U] [-- flags]
                            API tokens for POST /api/v1/receipt-links (Authorization: Bearer)
  hailong import [units] FILE [flags]   create or update units and desks from YAML
  hailong import plan FILE [flags]      create or update the communication plan's tasks from YAML
                            (the shipped 2024 plan: dashboard/plan/plans/vung-tau-2024.yaml); reported
                            status, progress, note and evidence are kept
  hailong export units      print units and desks as YAML (the form import reads)
  hailong export -month 2024-05 -format xlsx|csv|pdf [-o FILE -unit U -table T] [-- flags]
                            write a month's index export, as GET /exports/2024-05.xlsx (pdf: the report, via Chromium)
  hailong loadtest -url URL[,URL…] [-rate N | -workers N] -duration D [-think T -desks N -form-only -baseline -json]
                            simulate citizens' phones and report throughput and latency
  hailong mongo-embedded [-addr 127.0.0.1:27018 -data DIR]
                            run the embedded FerretDB alone, for HAILONG_MONGO_URI
  hailong healthcheck       exit 0 when the local service is ready (for containers)
  hailong help              show this text

Run "hailong serve -h" for the flags; every flag also reads a HAILONG_* variable.
`

// run is the whole program; main only wires the process to it, so tests
// can run the real thing in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, err := parseConfig("hailong serve", args, getenv, stderr)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout, stderr)
	case "reindex":
		cfg, err := parseConfig("hailong reindex", args, getenv, stderr)
		if err != nil {
			return err
		}
		return reindex(ctx, cfg, stdout, stderr)
	case "generate":
		g, rest, err := parseGenerate(args, stderr)
		if err != nil {
			return err
		}
		cfg, err := parseConfig("hailong generate", rest, getenv, stderr)
		if err != nil {
			return err
		}
		return generate(ctx, cfg, g, stdout, stderr)
	case "user":
		return userCmd(ctx, args, getenv, stdout, stderr)
	case "token":
		return tokenCmd(ctx, args, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, args, getenv, stdout, stderr)
	case "export":
		if len(args) > 0 && strings.HasPrefix(args[0], "-") {
			m, rest, err := parseMonthExport(args, stderr)
			if err != nil {
				return err
			}
			cfg, err := parseConfig("hailong export", rest, getenv, stderr)
			if err != nil {
				return err
			}
			return exportMonth(ctx, cfg, m, stdout, stderr)
		}
		if len(args) == 0 || args[0] != "units" {
			return configErrorf("usage: hailong export units [flags], or hailong export -month YYYY-MM -format xlsx|csv|pdf [-o FILE -unit U] [-- flags]")
		}
		cfg, err := parseConfig("hailong export", args[1:], getenv, stderr)
		if err != nil {
			return err
		}
		return exportUnits(ctx, cfg, stdout, stderr)
	case "loadtest":
		c, err := loadtest.ParseFlags(args, getenv, stderr)
		if err != nil {
			return err
		}
		return loadtest.Run(ctx, c, stdout, stderr)
	case "mongo-embedded":
		return mongoEmbeddedCmd(ctx, args, getenv, stdout, stderr)
	case "healthcheck":
		cfg, err := parseConfig("hailong healthcheck", args, getenv, stderr)
		if err != nil {
			return err
		}
		return healthcheck(ctx, cfg)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return configErrorf("unknown command %q (try \"hailong help\")", cmd)
	}
}
