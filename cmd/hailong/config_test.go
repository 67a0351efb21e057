package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInvalidConfigExitsTwo(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad addr", map[string]string{"HAILONG_ADDR": "8080"}, nil, "HAILONG_ADDR"},
		{"bad base url", nil, []string{"-base-url", "ftp://x"}, "HAILONG_BASE_URL"},
		{"bad log format", map[string]string{"HAILONG_LOG_FORMAT": "xml"}, nil, "HAILONG_LOG_FORMAT"},
		{"bad demo", map[string]string{"HAILONG_DEMO": "maybe"}, nil, "HAILONG_DEMO"},
		{"short secret", map[string]string{"HAILONG_SECRET": "short"}, nil, "HAILONG_SECRET"},
		{"mongo without secret", map[string]string{"HAILONG_MONGO_URI": "mongodb://db:27017"}, nil, "HAILONG_SECRET"},
		{"bad mongo uri", map[string]string{"HAILONG_MONGO_URI": "postgres://x", "HAILONG_SECRET": strings.Repeat("s", 32)}, nil, "HAILONG_MONGO_URI"},
		{"bad redis url", map[string]string{"HAILONG_REDIS_URL": "http://x"}, nil, "HAILONG_REDIS_URL"},
		{"redis url without scheme", map[string]string{"HAILONG_REDIS_URL": "foo"}, nil, `HAILONG_REDIS_URL: "foo" is not a redis://`},
		{"addr port too big", map[string]string{"HAILONG_ADDR": ":99999"}, nil, "HAILONG_ADDR"},
		{"addr port not a number", nil, []string{"-addr", "127.0.0.1:abc"}, "HAILONG_ADDR"},
		{"metrics addr port too big", map[string]string{"HAILONG_METRICS_ADDR": ":99999"}, nil, "HAILONG_METRICS_ADDR"},
		{"metrics addr port not a number", map[string]string{"HAILONG_METRICS_ADDR": "127.0.0.1:abc"}, nil, "HAILONG_METRICS_ADDR"},
		{"bad embed origin", map[string]string{"HAILONG_EMBED_ORIGINS": "https://portal.example/page"}, nil, "HAILONG_EMBED_ORIGINS"},
		{"loadtest without goroutines", nil, []string{"loadtest", "-url", "http://127.0.0.1:1", "-workers", "2", "-password", "x", "-baseline-goroutines", "0"}, "-baseline-goroutines"},
		{"unknown flag", nil, []string{"-colour"}, `flag provided but not defined: -colour (run "hailong help"`},
		{"unknown export flag", nil, []string{"export", "-colour"}, `flag provided but not defined: -colour (run "hailong help"`},
		{"unknown command", nil, []string{"fly"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			getenv := func(k string) string {
				if k == "HAILONG_DATA_DIR" {
					return dir
				}
				return tt.env[k]
			}
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, getenv, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %s", err, tt.want)
			}
			var msg bytes.Buffer
			if code := exitCode(err, &msg); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			if lines := strings.Count(strings.TrimSpace(msg.String()), "\n"); lines != 0 {
				t.Errorf("error message has %d extra lines: %q", lines, msg.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("something started: stdout %q", stdout.String())
			}
			// The one line comes from exitCode; nothing else (no flag list).
			if stderr.Len() != 0 {
				t.Errorf("run wrote to stderr before failing: %q", stderr.String())
			}
			if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the data directory was created (stat: %v): the config was checked too late", err)
			}
		})
	}
}

func TestFlagsOverrideEnv(t *testing.T) {
	env := map[string]string{"HAILONG_ADDR": ":9000", "HAILONG_MONGO_DB": "a"}
	cfg, err := parseConfig("t", []string{"-addr", "127.0.0.1:9001"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9001" || cfg.MongoDB != "a" || cfg.DataDir != "./data" || !cfg.Demo {
		t.Errorf("config = %+v", cfg)
	}
}
