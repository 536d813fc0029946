// Package config loads runproof's settings from environment variables.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/runproof/runproof/internal/authz"
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
	JWTAudience       []string      `env:"JWT_AUDIENCE"` // any one must match
	SweepInterval     time.Duration `env:"SWEEP_INTERVAL" envDefault:"1m"`
	SweepBatchSize    int           `env:"SWEEP_BATCH_SIZE" envDefault:"1000"`
	StaleQueuedAfter  time.Duration `env:"STALE_QUEUED_AFTER" envDefault:"15m"`
	StaleRunningAfter string        `env:"STALE_RUNNING_AFTER"`
	// LogLevel is the least severe log line written: debug, info (every
	// request), warn or error.
	LogLevel slog.Level `env:"LOG_LEVEL" envDefault:"info"`
	// RequestTimeout bounds each API request.
	RequestTimeout time.Duration `env:"REQUEST_TIMEOUT" envDefault:"10s"`
	// DBStatementTimeout bounds each statement and lock wait of `serve`.
	DBStatementTimeout time.Duration `env:"DB_STATEMENT_TIMEOUT" envDefault:"5s"`
	// ShutdownDrain is how long `serve` keeps serving, not ready, after a
	// signal; ShutdownGrace then bounds the wait for requests in flight.
	ShutdownDrain time.Duration `env:"SHUTDOWN_DRAIN" envDefault:"5s"`
	ShutdownGrace time.Duration `env:"SHUTDOWN_GRACE" envDefault:"20s"`
	// MetricsAddr, when set, serves /metrics there instead of on ListenAddr.
	MetricsAddr string `env:"METRICS_ADDR"`

	// Tokens from an identity provider's key set, and who they name.
	JWTJWKSURL       string        `env:"JWT_JWKS_URL"`
	JWTOIDCDiscovery bool          `env:"JWT_OIDC_DISCOVERY"` // the key set URL from JWT_ISSUER's discovery document
	JWTAlgorithms    []string      `env:"JWT_ALGORITHMS" envDefault:"RS256,ES256"`
	JWTJWKSRefresh   time.Duration `env:"JWT_JWKS_REFRESH" envDefault:"1h"`
	JWTSubjectClaim  string        `env:"JWT_SUBJECT_CLAIM" envDefault:"sub"`
	// CursorSecret seals hub cursors; required unless JWT_HS256_SECRET is set.
	CursorSecret string `env:"CURSOR_SECRET"`
	// CORSAllowedOrigins are the browser origins (scheme://host[:port]) that
	// may call the API; none turns CORS off.
	CORSAllowedOrigins []string `env:"CORS_ALLOWED_ORIGINS"`

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
	if err := c.validateServing(); err != nil {
		return err
	}
	if c.StaleQueuedAfter <= 0 {
		return errors.New("STALE_QUEUED_AFTER: must be a positive Go duration")
	}
	base := domain.DefaultStaleness()
	base.Queued = c.StaleQueuedAfter
	staleness, err := domain.ParseRunningThresholds(c.StaleRunningAfter, base)
	if err != nil {
		return fmt.Errorf("STALE_RUNNING_AFTER: %w (want e.g. \"60m\" or \"60m,inventory.sync=30m\")", err)
	}
	c.Staleness = staleness
	if err := c.validateAuth(); err != nil {
		return err
	}
	return c.validateCORS()
}

// validateAuth checks the token settings: one key source at most, and each
// setting well formed.
func (c *Config) validateAuth() error {
	if sources := c.keySources(); len(sources) > 1 {
		return fmt.Errorf("%s: set only one key source (JWT_HS256_SECRET, JWT_PUBLIC_KEY_FILE, JWT_JWKS_URL or JWT_OIDC_DISCOVERY)", strings.Join(sources, " and "))
	}
	if c.JWTHS256Secret != "" && len(c.JWTHS256Secret) < minSecretLen {
		return fmt.Errorf("JWT_HS256_SECRET: must be at least %d characters", minSecretLen)
	}
	if c.CursorSecret != "" && len(c.CursorSecret) < minSecretLen {
		return fmt.Errorf("CURSOR_SECRET: must be at least %d characters", minSecretLen)
	}
	if c.JWTJWKSURL != "" {
		if err := authz.CheckFetchURL(c.JWTJWKSURL); err != nil {
			return fmt.Errorf("JWT_JWKS_URL: %w", err)
		}
	}
	if c.JWTOIDCDiscovery {
		if c.JWTIssuer == "" {
			return errors.New("JWT_OIDC_DISCOVERY: needs JWT_ISSUER, whose /.well-known/openid-configuration names the key set")
		}
		if err := authz.CheckFetchURL(c.JWTIssuer); err != nil {
			return fmt.Errorf("JWT_ISSUER: discovery reads it: %w", err)
		}
	}
	c.JWTAlgorithms = list(c.JWTAlgorithms)
	if err := authz.CheckKeySetAlgorithms(c.JWTAlgorithms); err != nil {
		return fmt.Errorf("JWT_ALGORITHMS: %w", err)
	}
	if c.JWTJWKSRefresh < time.Minute {
		return errors.New("JWT_JWKS_REFRESH: must be a Go duration of at least 1m")
	}
	if c.JWTSubjectClaim == "" || strings.ContainsAny(c.JWTSubjectClaim, " ,") {
		return fmt.Errorf("JWT_SUBJECT_CLAIM: %q is not a claim name (e.g. sub, oid)", c.JWTSubjectClaim)
	}
	c.JWTAudience = list(c.JWTAudience)
	return nil
}

// keySources names the token key sources that are set.
func (c Config) keySources() []string {
	var set []string
	for name, on := range map[string]bool{
		"JWT_HS256_SECRET":    c.JWTHS256Secret != "",
		"JWT_PUBLIC_KEY_FILE": c.JWTPublicKeyFile != "",
		"JWT_JWKS_URL":        c.JWTJWKSURL != "",
		"JWT_OIDC_DISCOVERY":  c.JWTOIDCDiscovery,
	} {
		if on {
			set = append(set, name)
		}
	}
	slices.Sort(set)
	return set
}

// validateCORS accepts exact origins only. A wildcard would let any web page
// call the API with a token the browser holds for the user.
func (c *Config) validateCORS() error {
	c.CORSAllowedOrigins = list(c.CORSAllowedOrigins)
	for _, o := range c.CORSAllowedOrigins {
		if strings.Contains(o, "*") {
			return fmt.Errorf("CORS_ALLOWED_ORIGINS: %q: no wildcards: callers send bearer tokens, so list each frontend origin exactly (e.g. https://admin.example.com)", o)
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" ||
			u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o, "?") {
			return fmt.Errorf("CORS_ALLOWED_ORIGINS: %q is not an origin: want scheme://host[:port], no path (e.g. https://admin.example.com)", o)
		}
	}
	return nil
}

// validateServing checks the settings that bound requests and shutdown.
func (c *Config) validateServing() error {
	if c.RequestTimeout <= 0 {
		return errors.New("REQUEST_TIMEOUT: must be a positive Go duration")
	}
	if c.DBStatementTimeout < time.Millisecond {
		return errors.New("DB_STATEMENT_TIMEOUT: must be a Go duration of at least 1ms")
	}
	if c.ShutdownDrain < 0 {
		return errors.New("SHUTDOWN_DRAIN: must be 0 (none) or a positive Go duration")
	}
	if c.ShutdownGrace < 0 {
		return errors.New("SHUTDOWN_GRACE: must be 0 (cancel at once) or a positive Go duration")
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("METRICS_ADDR: %w (want host:port or :port)", err)
		}
	}
	return nil
}

// list trims a comma-separated setting's items and drops empty ones.
func list(items []string) []string {
	out := items[:0]
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// RequireDatabase reports a clear error when DATABASE_URL is unset.
func (c Config) RequireDatabase() error {
	if c.DatabaseURL == "" {
		return errors.New("DATABASE_URL: not set (e.g. postgres://user@127.0.0.1:5432/runproof)")
	}
	return nil
}

// RequireAuth reports a clear error when no token key source is set, or when
// tokens are verified with public keys and no CURSOR_SECRET is set: hub
// cursors are never sealed with key material anyone may read.
func (c Config) RequireAuth() error {
	sources := c.keySources()
	if len(sources) == 0 {
		return errors.New("JWT_HS256_SECRET, JWT_PUBLIC_KEY_FILE or JWT_JWKS_URL (or JWT_OIDC_DISCOVERY with JWT_ISSUER): one must be set to verify tokens")
	}
	if c.CursorSecret == "" && c.JWTHS256Secret == "" {
		return fmt.Errorf("CURSOR_SECRET: required with %s (hub cursors are sealed with a secret, never with public keys): set at least %d random characters, the same on every replica", sources[0], minSecretLen)
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
		if pe, ok := errors.AsType[env.ParseError](e); ok {
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
