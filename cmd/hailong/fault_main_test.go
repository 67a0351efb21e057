package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv marks a re-run of this test binary as the program itself: the
// fault runs need a process they can kill -9, and the test binary already
// holds the whole program, so nothing has to be built (CI runs it with
// -race, so the child is race-checked too).
const childEnv = "HAILONG_FAULT_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		// Exactly what main does, before the testing flags are parsed.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(exitCode(err, os.Stderr))
	}
	os.Exit(m.Run())
}

// child is "hailong ARGS" running as a separate process.
type child struct {
	cmd    *exec.Cmd
	first  string // the first stdout line matching the start predicate
	stderr *lockedBuffer
	exited chan struct{}
}

// startChild runs the program with args and env (on top of the test's
// environment without its HAILONG_* variables), and waits until a line of
// its stdout satisfies ready, which it returns as c.first. The process is
// killed at test end if still running.
func startChild(t testing.TB, args []string, env map[string]string, ready func(line string) (string, bool)) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HAILONG_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, childEnv+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	c := &child{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", args, err)
	}
	go func() {
		_ = cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() { c.kill() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := ready(sc.Text()); ok {
				select {
				case found <- v:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case c.first = <-found:
	case <-c.exited:
		t.Fatalf("%v exited before it was ready; stderr:\n%s", args, c.stderr.String())
	case <-time.After(90 * time.Second):
		c.kill()
		t.Fatalf("%v not ready within 90 s; stderr:\n%s", args, c.stderr.String())
	}
	return c
}

// kill is kill -9, then waits for the process to be gone (its locks and
// ports with it).
func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}

// stop asks the process to shut down cleanly, as a supervisor would.
func (c *child) stop(t testing.TB) {
	t.Helper()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
		if code := c.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("%v exited with %d; stderr:\n%s", c.cmd.Args[1:], code, c.stderr.String())
		}
	case <-time.After(60 * time.Second):
		c.kill()
		t.Errorf("%v did not stop within 60 s", c.cmd.Args[1:])
	}
}

// startChildApp runs "hailong serve" with the test harness's relaxed
// configuration plus env, and returns it with its URL.
func startChildApp(t testing.TB, dataDir string, env map[string]string) (*child, string) {
	t.Helper()
	vars := testEnv(dataDir, env)
	c := startChild(t, []string{"serve"}, vars, func(line string) (string, bool) {
		return strings.CutPrefix(line, "listening on ")
	})
	return c, c.first
}

// startChildStore runs "hailong mongo-embedded" on addr and dir and
// returns it with its MongoDB URI.
func startChildStore(t testing.TB, addr, dir string) (*child, string) {
	t.Helper()
	c := startChild(t, []string{"mongo-embedded", "-addr", addr, "-data", dir}, nil, func(line string) (string, bool) {
		return line, strings.HasPrefix(line, "mongodb://")
	})
	return c, c.first
}

// freeAddr returns a loopback address nobody listens on right now, for a
// process that must come back on the same address after a restart.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
