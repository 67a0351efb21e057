package main

import (
	"net"
	"strconv"
	"strings"
	"time"

	"hailong/survey"
)

// abuseConfig is the abuse-protection part of the configuration: limits,
// suspicion rules, whom to believe about client addresses, and where
// /metrics is served. Defaults suit a busy centre; every limit turns off
// with 0, so a test or a load test relaxes them by configuration.
type abuseConfig struct {
	trustedProxies, ipPerHour, devicePerWindow, deviceWindow, deskPerMinute, minFill string
	loginFailures, loginMaxWait, metricsAddr, redisTimeout, alertSuspects            string

	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; empty: the TCP peer is the client.
	TrustedProxies []*net.IPNet
	Limits         survey.Limits
	LoginFailures  int
	LoginMaxWait   time.Duration
	// MetricsAddr is a separate listener for /metrics; empty: the main one.
	MetricsAddr string
	// RedisTimeout bounds each limiter call to Redis; a slower reply is
	// decided by the per-process fallback.
	RedisTimeout time.Duration
	// AlertSuspects is the overview's suspect burst alert threshold.
	AlertSuspects int
}

func (a *abuseConfig) settings() []setting {
	return []setting{
		{"HAILONG_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed; empty: the TCP peer address is the client's", &a.trustedProxies},
		{"HAILONG_LIMIT_IP_PER_HOUR", "limit-ip-per-hour", "60", "answers per desk per client address per hour (0: off)", &a.ipPerHour},
		{"HAILONG_LIMIT_DEVICE_PER_WINDOW", "limit-device-per-window", "1", "answers per desk per device (hl_cid cookie) per window (0: off)", &a.devicePerWindow},
		{"HAILONG_LIMIT_DEVICE_WINDOW", "limit-device-window", "12h", "the device limit's window", &a.deviceWindow},
		{"HAILONG_LIMIT_DESK_PER_MINUTE", "limit-desk-per-minute", "30", "answers per desk per minute; more are stored as suspect \"burst\" (0: off)", &a.deskPerMinute},
		{"HAILONG_SUSPECT_MIN_FILL", "suspect-min-fill", "5s", "answers sent sooner after the form was shown are stored as suspect \"too_fast\" (0: off)", &a.minFill},
		{"HAILONG_LIMIT_LOGIN_FAILURES", "limit-login-failures", "5", "failed sign-ins per account (4x per client address) before exponential backoff (0: off)", &a.loginFailures},
		{"HAILONG_LIMIT_LOGIN_MAX_WAIT", "limit-login-max-wait", "15m", "longest sign-in backoff", &a.loginMaxWait},
		{"HAILONG_LIMIT_REDIS_TIMEOUT", "limit-redis-timeout", "50ms", "longest wait for Redis on a limit decision; a slower Redis is replaced by per-process limits", &a.redisTimeout},
		{"HAILONG_ALERT_SUSPECTS", "alert-suspects", "10", "the overview alerts on a desk with this many suspect answers in the last 24 hours (0: off)", &a.alertSuspects},
		{"HAILONG_METRICS_ADDR", "metrics-addr", "", "separate listen address for /metrics; empty: /metrics on the main listener", &a.metricsAddr},
	}
}

// parse validates the raw values; errors name the setting.
func (a *abuseConfig) parse() error {
	for _, s := range strings.Split(a.trustedProxies, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return configErrorf("HAILONG_TRUSTED_PROXIES: %q is not a CIDR like 10.0.0.0/8", s)
		}
		a.TrustedProxies = append(a.TrustedProxies, n)
	}
	counts := []struct {
		env, v string
		dst    *int
	}{
		{"HAILONG_LIMIT_IP_PER_HOUR", a.ipPerHour, &a.Limits.IPPerHour},
		{"HAILONG_LIMIT_DEVICE_PER_WINDOW", a.devicePerWindow, &a.Limits.DevicePerWindow},
		{"HAILONG_LIMIT_DESK_PER_MINUTE", a.deskPerMinute, &a.Limits.DeskPerMinute},
		{"HAILONG_LIMIT_LOGIN_FAILURES", a.loginFailures, &a.LoginFailures},
		{"HAILONG_ALERT_SUSPECTS", a.alertSuspects, &a.AlertSuspects},
	}
	for _, c := range counts {
		n, err := strconv.Atoi(c.v)
		if err != nil || n < 0 || n > 1_000_000 {
			return configErrorf("%s: %q is not a count from 0 (off) to 1000000", c.env, c.v)
		}
		*c.dst = n
	}
	durations := []struct {
		env, v   string
		dst      *time.Duration
		min, max time.Duration
	}{
		{"HAILONG_LIMIT_DEVICE_WINDOW", a.deviceWindow, &a.Limits.DeviceWindow, time.Minute, 30 * 24 * time.Hour},
		{"HAILONG_SUSPECT_MIN_FILL", a.minFill, &a.Limits.MinFill, 0, 10 * time.Minute},
		{"HAILONG_LIMIT_LOGIN_MAX_WAIT", a.loginMaxWait, &a.LoginMaxWait, time.Second, 24 * time.Hour},
		{"HAILONG_LIMIT_REDIS_TIMEOUT", a.redisTimeout, &a.RedisTimeout, time.Millisecond, 10 * time.Second},
	}
	for _, d := range durations {
		v, err := time.ParseDuration(d.v)
		if err != nil || v < d.min || v > d.max {
			return configErrorf("%s: %q is not a duration from %v to %v (e.g. 12h, 5s)", d.env, d.v, d.min, d.max)
		}
		*d.dst = v
	}
	if a.MetricsAddr = a.metricsAddr; a.MetricsAddr != "" {
		if err := checkAddr(a.MetricsAddr); err != nil {
			return configErrorf("HAILONG_METRICS_ADDR: %v", err)
		}
	}
	return nil
}
