package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"hailong/internal/app/apptest"
)

// /metrics: route patterns, never URLs; or on a listener of its own.
func TestMetricsEndpoint(t *testing.T) {
	a := startApp(t, t.TempDir(), nil)
	desk := apptest.Desks(t, a.URL)[0]
	if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, desk.SurveyURL); code != http.StatusSeeOther {
		t.Fatal(code)
	}
	if got := apptest.Metric(t, a.URL, "hailong_http_request_duration_seconds_count", `route="/s/:code"`, `method="POST"`, `status="303"`); got != 1 {
		t.Errorf("POST /s/:code 303 observed %v times, want 1", got)
	}
	res, _ := http.Get(a.URL + "/metrics")
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	code := desk.SurveyURL[strings.LastIndex(desk.SurveyURL, "/")+1:]
	if strings.Contains(string(body), code) {
		t.Error("/metrics shows a desk code: labels must be route patterns")
	}

	b := startApp(t, t.TempDir(), map[string]string{"HAILONG_METRICS_ADDR": "127.0.0.1:0"})
	if res, _ := http.Get(b.URL + "/metrics"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the main listener with HAILONG_METRICS_ADDR set: %d, want 404", res.StatusCode)
	}
	m := regexp.MustCompile(`metrics listening"? addr=(\S+)`).FindStringSubmatch(b.stderr.String())
	if m == nil {
		t.Fatalf("no metrics listener in the log:\n%s", b.stderr.String())
	}
	if got := apptest.Metric(t, "http://"+m[1], "hailong_submissions_total"); got != 0 {
		t.Errorf("separate listener: submissions %v", got)
	}
}

func TestAbuseConfig(t *testing.T) {
	for env, bad := range map[string]string{
		"HAILONG_TRUSTED_PROXIES":         "10.0.0.0/8, proxy",
		"HAILONG_LIMIT_IP_PER_HOUR":       "-1",
		"HAILONG_LIMIT_DEVICE_PER_WINDOW": "một",
		"HAILONG_LIMIT_DEVICE_WINDOW":     "0",
		"HAILONG_SUSPECT_MIN_FILL":        "5",
		"HAILONG_LIMIT_LOGIN_MAX_WAIT":    "forever",
		"HAILONG_METRICS_ADDR":            "9090",
		"HAILONG_LIMIT_REDIS_TIMEOUT":     "0s",
	} {
		_, err := parseConfig("t", nil, func(k string) string {
			return map[string]string{env: bad, "HAILONG_DATA_DIR": t.TempDir()}[k]
		}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%q: err = %v, want one naming it", env, bad, err)
		}
	}
	cfg, err := parseConfig("t", []string{"-trusted-proxies", "10.0.0.0/8,192.168.1.0/24", "-limit-ip-per-hour", "0"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Abuse.TrustedProxies) != 2 || cfg.Abuse.Limits.IPPerHour != 0 || cfg.Abuse.Limits.DevicePerWindow != 1 ||
		cfg.Abuse.Limits.DeviceWindow != 12*time.Hour || cfg.Abuse.Limits.MinFill != 5*time.Second || cfg.Abuse.LoginFailures != 5 ||
		cfg.Abuse.RedisTimeout != 50*time.Millisecond {
		t.Errorf("abuse config = %+v", cfg.Abuse)
	}
}
