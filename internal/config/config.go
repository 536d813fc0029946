// Package config loads runproof's settings from environment variables.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/runproof/runproof/internal/domain"
)

// Config is every setting runproof reads from its environment
// (docs/operations.md lists them).
type Config struct {
	DatabaseURL       string        `env:"DATABASE_URL"`
	ListenAddr        string        `env:"LISTEN_ADDR" envDefault:":8080"`
	JWTHS256Secret    string        `env:"JWT_HS256_SECRET"`
	JWTPublicKeyFile  string        `env:"JWT_PUBLIC_KEY_FILE"`
	JWTIssuer         string        `env:"JWT_ISSUER"`
	JWTAudience       string        `env:"JWT_AUDIENCE"`
	SweepInterval     time.Duration `env:"SWEEP_INTERVAL" envDefault:"1m"`
	SweepBatchSize    int           `env:"SWEEP_BATCH_SIZE" envDefault:"1000"`
	StaleQueuedAfter  time.Duration `env:"STALE_QUEUED_AFTER" envDefault:"15m"`
	StaleRunningAfter string        `env:"STALE_RUNNING_AFTER"`
	// LogLevel is the least severe log line written: debug, info (every
	// request), warn or error.
	LogLevel slog.Level `env:"LOG_LEVEL" envDefault:"info"`

	// Staleness is derived from STALE_QUEUED_AFTER and STALE_RUNNING_AFTER.
	Staleness domain.Staleness `env:"-"`
}

// MaxSweepBatchSize bounds SWEEP_BATCH_SIZE: one sweep transaction holds the
// row locks of a whole batch.
const MaxSweepBatchSize = 10000

// minSecretLen keeps dev-grade secrets out of HS256 signing.
const minSecretLen = 32

// Load parses and validates the settings in environ (KEY=VALUE pairs, as from
// os.Environ). Its error is one line that names the offending variable.
func Load(environ []string) (Config, error) {
	var cfg Config
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: env.ToMap(environ)}); err != nil {
		return Config{}, describe(err)
	}
	return cfg, cfg.validate()
}

func (c *Config) validate() error {
	if c.SweepInterval < 0 {
		return errors.New("SWEEP_INTERVAL: must be 0 (off) or a positive Go duration")
	}
	if c.SweepBatchSize < 1 || c.SweepBatchSize > MaxSweepBatchSize {
		return fmt.Errorf("SWEEP_BATCH_SIZE: must be between 1 and %d, got %d", MaxSweepBatchSize, c.SweepBatchSize)
	}
	if c.StaleQueuedAfter <= 0 {
		return errors.New("STALE_QUEUED_AFTER: must be a positive Go duration")
	}
	base := domain.DefaultStaleness()
	base.Queued = c.StaleQueuedAfter
	staleness, err := domain.ParseRunningThresholds(c.StaleRunningAfter, base)
	if err != nil {
		return fmt.Errorf("STALE_RUNNING_AFTER: %v (want e.g. \"60m\" or \"60m,inventory.sync=30m\")", err)
	}
	c.Staleness = staleness
	if c.JWTHS256Secret != "" && c.JWTPublicKeyFile != "" {
		return errors.New("JWT_HS256_SECRET and JWT_PUBLIC_KEY_FILE: set only one of them")
	}
	if c.JWTHS256Secret != "" && len(c.JWTHS256Secret) < minSecretLen {
		return fmt.Errorf("JWT_HS256_SECRET: must be at least %d characters", minSecretLen)
	}
	return nil
}

// RequireDatabase reports a clear error when DATABASE_URL is unset.
func (c Config) RequireDatabase() error {
	if c.DatabaseURL == "" {
		return errors.New("DATABASE_URL: not set (e.g. postgres://user@127.0.0.1:5432/runproof)")
	}
	return nil
}

// RequireAuth reports a clear error when no token verification key is set.
func (c Config) RequireAuth() error {
	if c.JWTHS256Secret == "" && c.JWTPublicKeyFile == "" {
		return errors.New("JWT_HS256_SECRET or JWT_PUBLIC_KEY_FILE: one must be set to verify tokens")
	}
	return nil
}

// describe turns the library's error into one line per variable, naming the
// variable rather than the Go field.
func describe(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	lines := make([]string, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			lines = append(lines, fmt.Sprintf("%s: %v", envKey(pe.Name), unwrapAll(pe.Err)))
			continue
		}
		lines = append(lines, e.Error())
	}
	return errors.New(strings.Join(lines, "; "))
}

func envKey(field string) string {
	f, ok := reflect.TypeFor[Config]().FieldByName(field)
	if !ok {
		return field
	}
	key, _, _ := strings.Cut(f.Tag.Get("env"), ",")
	return key
}

func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
