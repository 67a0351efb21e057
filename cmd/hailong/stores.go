package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/cli"
	"hailong/internal/embedded"
)

// stores are the open MongoDB and Redis connections, and the embedded
// servers behind them when no URL was configured.
type stores struct {
	mongo     *mongo.Client
	db        *mongo.Database
	redis     *redis.Client
	mongoDesc string
	redisDesc string

	closers []func() // run in reverse order by close
}

// openStores connects to the configured stores, starting embedded ones for
// empty URLs. The same driver code talks to both.
func openStores(ctx context.Context, cfg config, log *slog.Logger) (_ *stores, err error) {
	s := &stores{}
	defer func() {
		if err != nil {
			s.close()
		}
	}()

	mongoURI := cfg.MongoURI
	if mongoURI == "" {
		uri, stop, err := embedded.StartFerretDB(filepath.Join(cfg.DataDir, "ferretdb"))
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, stop)
		mongoURI = uri
		s.mongoDesc = "embedded FerretDB (SQLite in " + filepath.Join(cfg.DataDir, "ferretdb") + ")"
	} else {
		s.mongoDesc = "MongoDB at " + cli.RedactURI(cfg.MongoURI)
	}
	client, err := mongo.Connect(options.Client().ApplyURI(mongoURI).
		SetServerSelectionTimeout(5 * time.Second).SetTimeout(10 * time.Second).SetAppName("hailong"))
	if err != nil {
		return nil, fmt.Errorf("connect to MongoDB: %w", err)
	}
	s.mongo = client
	s.closers = append(s.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = client.Disconnect(ctx)
	})
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx, nil); err != nil {
		return nil, fmt.Errorf("MongoDB does not answer at %s: %w", cli.RedactURI(mongoURI), err)
	}
	s.db = client.Database(cfg.MongoDB)

	redisURL := cfg.RedisURL
	if redisURL == "" {
		addr, stop, err := embedded.StartMiniredis()
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, stop)
		redisURL = "redis://" + addr
		s.redisDesc = "embedded miniredis"
	} else {
		s.redisDesc = "Redis at " + cli.RedactURI(cfg.RedisURL)
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	// Short timeouts: Redis protects the service, it must never hang it.
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = time.Second, 500*time.Millisecond, 500*time.Millisecond
	s.redis = redis.NewClient(opt)
	s.closers = append(s.closers, func() { _ = s.redis.Close() })
	if err := s.redis.Ping(ctx).Err(); err != nil {
		log.Warn("Redis does not answer yet; sessions will fail until it does", "err", err)
	}
	return s, nil
}

// close releases everything in reverse order of opening.
func (s *stores) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// lockDataDir takes an exclusive lock on the data directory: two processes
// on one embedded store corrupt it, so the second one must stop at once.
func lockDataDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, ".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data directory %s is in use by another hailong process (lock %s); stop it or use another HAILONG_DATA_DIR", dir, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// loadSecret returns the HMAC key kept in the data dir, creating it (0600)
// on first start.
func loadSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, "secret")
	b, err := os.ReadFile(path)
	if err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < 32 {
			return nil, fmt.Errorf("%s holds a secret shorter than 32 characters", path)
		}
		return []byte(s), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read secret: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, raw); err != nil {
		return nil, err
	}
	s := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write secret: %w", err)
	}
	return []byte(s), nil
}
