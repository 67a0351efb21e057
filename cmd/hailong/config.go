package main

import (
	"flag"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"hailong/internal/app"
	"hailong/internal/cli"
	"hailong/internal/web"
)

// config is the service configuration: HAILONG_* environment variables,
// each overridable by a flag of the same name in lower case.
type config struct {
	Addr          string
	BaseURL       string
	DataDir       string
	MongoURI      string
	MongoDB       string
	RedisURL      string
	Secret        string
	AdminPassword string
	LogFormat     string
	Demo          bool
	ReceiptTTL    time.Duration
	// AutoCloseDays closes a month's figures this many days after it ends (0: never).
	AutoCloseDays int
	Abuse         abuseConfig
	// EmbedOrigins may frame the portal survey /p/ (HAILONG_EMBED_ORIGINS);
	// EmbedAncestors is the same list as a CSP frame-ancestors value.
	EmbedOrigins   string
	EmbedAncestors string
}

// configErrorf is a configuration or usage mistake: the process exits
// with code 2 before anything starts.
func configErrorf(format string, a ...any) error { return cli.Usagef(format, a...) }

// setting describes one configuration entry for flags, env and the README.
type setting struct {
	env, flag, def, help string
	dst                  *string
}

func (c *config) settings() []setting {
	return append([]setting{
		{"HAILONG_ADDR", "addr", ":8080", "address to listen on", &c.Addr},
		{"HAILONG_BASE_URL", "base-url", "", "public URL used in QR codes and links (default: derived from the listen address)", &c.BaseURL},
		{"HAILONG_DATA_DIR", "data-dir", "./data", "directory of the embedded stores and the generated secret", &c.DataDir},
		{"HAILONG_MONGO_URI", "mongo-uri", "", "MongoDB URI; empty runs embedded FerretDB", &c.MongoURI},
		{"HAILONG_MONGO_DB", "mongo-db", "hailong", "MongoDB database name", &c.MongoDB},
		{"HAILONG_REDIS_URL", "redis-url", "", "Redis URL; empty runs embedded miniredis", &c.RedisURL},
		{"HAILONG_SECRET", "secret", "", "HMAC key, at least 32 characters; generated into the data dir in embedded mode", &c.Secret},
		{"HAILONG_ADMIN_PASSWORD", "admin-password", "", "password of the first admin account (random and printed once if empty)", &c.AdminPassword},
		{"HAILONG_LOG_FORMAT", "log-format", "text", "log format: text or json", &c.LogFormat},
		{"HAILONG_EMBED_ORIGINS", "embed-origins", "https:", "origins that may show the portal survey /p/ in an iframe: a comma-separated list of https://host, or https: (any HTTPS site) or *", &c.EmbedOrigins},
	}, c.Abuse.settings()...)
}

// parseConfig reads the environment, then flags, then validates. Errors are
// usage errors (exit code 2) with one line naming the setting.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, s := range c.settings() {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.dst, s.flag, def, s.help+" ("+s.env+")")
	}
	demo := "true"
	if v := getenv("HAILONG_DEMO"); v != "" {
		demo = v
	}
	fs.StringVar(&demo, "demo", demo, "load demo units and desks into an empty database (HAILONG_DEMO)")
	ttl := "720h"
	if v := getenv("HAILONG_RECEIPT_TTL"); v != "" {
		ttl = v
	}
	fs.StringVar(&ttl, "receipt-ttl", ttl, "how long a receipt survey link stays valid (HAILONG_RECEIPT_TTL)")
	autoClose := "10"
	if v := getenv("HAILONG_AUTO_CLOSE_DAYS"); v != "" {
		autoClose = v
	}
	fs.StringVar(&autoClose, "auto-close-days", autoClose, "close a month's figures this many days after it ends; 0: only by hand (HAILONG_AUTO_CLOSE_DAYS)")
	if err := cli.ParseFlags(fs, args, stderr); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, configErrorf("unexpected argument %q", fs.Arg(0))
	}
	d, err := strconv.ParseBool(demo)
	if err != nil {
		return c, configErrorf("HAILONG_DEMO: %q is not true or false", demo)
	}
	c.Demo = d
	if c.AutoCloseDays, err = strconv.Atoi(autoClose); err != nil || c.AutoCloseDays < 0 || c.AutoCloseDays > 365 {
		return c, configErrorf("HAILONG_AUTO_CLOSE_DAYS: %q is not a number of days from 0 to 365", autoClose)
	}
	if c.ReceiptTTL, err = time.ParseDuration(ttl); err != nil || c.ReceiptTTL < time.Hour {
		return c, configErrorf("HAILONG_RECEIPT_TTL: %q is not a duration of at least 1h (e.g. 720h)", ttl)
	}
	return c, c.validate()
}

func (c *config) validate() error {
	if err := checkAddr(c.Addr); err != nil {
		return configErrorf("HAILONG_ADDR: %v", err)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			return configErrorf("HAILONG_BASE_URL: %q is not an http(s) URL like https://hailong.example.gov.vn", c.BaseURL)
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		return configErrorf("HAILONG_MONGO_URI: must start with mongodb:// or mongodb+srv://")
	}
	if c.MongoDB == "" || strings.ContainsAny(c.MongoDB, `/\. "$`) {
		return configErrorf("HAILONG_MONGO_DB: %q is not a valid database name", c.MongoDB)
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
			return configErrorf("HAILONG_REDIS_URL: %q is not a redis://, rediss:// or unix:// URL (e.g. redis://localhost:6379/0)", c.RedisURL)
		}
		if _, err := redis.ParseURL(c.RedisURL); err != nil {
			return configErrorf("HAILONG_REDIS_URL: %v", err)
		}
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		return configErrorf("HAILONG_SECRET: must have at least 32 characters")
	}
	if c.Secret == "" && c.MongoURI != "" {
		return configErrorf("HAILONG_SECRET: required with HAILONG_MONGO_URI, so every replica signs codes with the same key")
	}
	if c.DataDir == "" && c.MongoURI == "" {
		return configErrorf("HAILONG_DATA_DIR: required for the embedded store")
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 8 {
		return configErrorf("HAILONG_ADMIN_PASSWORD: must have at least 8 characters")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return configErrorf("HAILONG_LOG_FORMAT: %q is not text or json", c.LogFormat)
	}
	a, err := web.ParseFrameAncestors(c.EmbedOrigins)
	if err != nil {
		return configErrorf("HAILONG_EMBED_ORIGINS: %v", err)
	}
	c.EmbedAncestors = a
	return c.Abuse.parse()
}

// app is the part of the configuration the app itself reads, with the
// secret and the public URL resolved.
func (c *config) app(secret []byte, baseURL string) app.Config {
	return app.Config{
		BaseURL: baseURL, Secret: secret, Demo: c.Demo, AdminPassword: c.AdminPassword,
		ReceiptTTL: c.ReceiptTTL, AutoCloseDays: c.AutoCloseDays, SharedStore: c.MongoURI != "",
		Limits: c.Abuse.Limits, LoginFailures: c.Abuse.LoginFailures, LoginMaxWait: c.Abuse.LoginMaxWait,
		RedisTimeout: c.Abuse.RedisTimeout, AlertSuspects: c.Abuse.AlertSuspects,
		TrustedProxies: c.Abuse.TrustedProxies, MetricsOnMain: c.Abuse.MetricsAddr == "",
		EmbedOrigins: c.EmbedOrigins, EmbedAncestors: c.EmbedAncestors,
	}
}
