package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/domain"
)

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := Load([]string{"DATABASE_URL=postgres://x"})
	require.NoError(t, err)
	require.Equal(t, ":8080", cfg.ListenAddr)
	require.Equal(t, time.Minute, cfg.SweepInterval)
	require.Equal(t, 1000, cfg.SweepBatchSize)
	require.Equal(t, 15*time.Minute, cfg.Staleness.Queued)
	require.Equal(t, 30*time.Minute, cfg.Staleness.RunningAfter(domain.Canonical("inventory_sync")))
	require.Equal(t, 30*time.Minute, cfg.Staleness.RunningAfter("baseline.capture"))
	require.Equal(t, 60*time.Minute, cfg.Staleness.RunningAfter("backup.schedule.run"))
	require.Equal(t, 60*time.Minute, cfg.Staleness.RunningAfter("policy.sync"))
	require.Equal(t, slog.LevelInfo, cfg.LogLevel)
	require.Equal(t, 10*time.Second, cfg.RequestTimeout)
	require.Equal(t, 5*time.Second, cfg.DBStatementTimeout)
	require.Equal(t, 5*time.Second, cfg.ShutdownDrain)
	require.Equal(t, 20*time.Second, cfg.ShutdownGrace)
	require.Empty(t, cfg.MetricsAddr, "metrics on the API listener")

	cfg, err = Load([]string{"LISTEN_ADDR="})
	require.NoError(t, err)
	require.Equal(t, ":8080", cfg.ListenAddr, "an empty setting takes the default")
}

func TestLoadLogLevel(t *testing.T) {
	t.Parallel()
	for value, want := range map[string]slog.Level{"debug": slog.LevelDebug, "WARN": slog.LevelWarn, "error": slog.LevelError} {
		cfg, err := Load([]string{"LOG_LEVEL=" + value})
		require.NoError(t, err)
		require.Equal(t, want, cfg.LogLevel, value)
	}
}

func TestLoadRunningThresholds(t *testing.T) {
	t.Parallel()
	cfg, err := Load([]string{"STALE_RUNNING_AFTER=2h, intune.inventory.sync=5m", "STALE_QUEUED_AFTER=90s"})
	require.NoError(t, err)
	require.Equal(t, 90*time.Second, cfg.Staleness.Queued)
	require.Equal(t, 5*time.Minute, cfg.Staleness.RunningAfter("inventory.sync"))
	require.Equal(t, 30*time.Minute, cfg.Staleness.RunningAfter("baseline.capture"))
	require.Equal(t, 2*time.Hour, cfg.Staleness.RunningAfter("restore.execute"))
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"SWEEP_INTERVAL=soon":                                    "SWEEP_INTERVAL",
		"SWEEP_INTERVAL=-1s":                                     "SWEEP_INTERVAL",
		"SWEEP_BATCH_SIZE=lots":                                  "SWEEP_BATCH_SIZE",
		"SWEEP_BATCH_SIZE=0":                                     "SWEEP_BATCH_SIZE",
		"SWEEP_BATCH_SIZE=10001":                                 "SWEEP_BATCH_SIZE",
		"STALE_QUEUED_AFTER=15":                                  "STALE_QUEUED_AFTER",
		"STALE_QUEUED_AFTER=0s":                                  "STALE_QUEUED_AFTER",
		"STALE_RUNNING_AFTER=inventory.sync=x":                   "STALE_RUNNING_AFTER",
		"STALE_RUNNING_AFTER==5m":                                "STALE_RUNNING_AFTER",
		"JWT_HS256_SECRET=short":                                 "JWT_HS256_SECRET",
		"CURSOR_SECRET=short":                                    "CURSOR_SECRET",
		"JWT_JWKS_URL=http://idp.example/keys":                   "JWT_JWKS_URL",
		"JWT_JWKS_URL=/keys":                                     "JWT_JWKS_URL",
		"JWT_OIDC_DISCOVERY=true":                                "JWT_OIDC_DISCOVERY",
		"JWT_OIDC_DISCOVERY=maybe":                               "JWT_OIDC_DISCOVERY",
		"JWT_ALGORITHMS=RS256,HS256":                             "JWT_ALGORITHMS",
		"JWT_ALGORITHMS=none":                                    "JWT_ALGORITHMS",
		"JWT_ALGORITHMS= , ":                                     "JWT_ALGORITHMS",
		"JWT_JWKS_REFRESH=10s":                                   "JWT_JWKS_REFRESH",
		"JWT_JWKS_REFRESH=hourly":                                "JWT_JWKS_REFRESH",
		"JWT_SUBJECT_CLAIM=o id":                                 "JWT_SUBJECT_CLAIM",
		"CORS_ALLOWED_ORIGINS=*":                                 "CORS_ALLOWED_ORIGINS",
		"CORS_ALLOWED_ORIGINS=https://*.example.com":             "CORS_ALLOWED_ORIGINS",
		"CORS_ALLOWED_ORIGINS=https://admin.example.com/":        "CORS_ALLOWED_ORIGINS",
		"CORS_ALLOWED_ORIGINS=admin.example.com":                 "CORS_ALLOWED_ORIGINS",
		"CORS_ALLOWED_ORIGINS=https://a.example,ftp://b.example": "CORS_ALLOWED_ORIGINS",
		"CORS_ALLOWED_ORIGINS=https://a.example?x=1":             "CORS_ALLOWED_ORIGINS",
		"LOG_LEVEL=loud":                                         "LOG_LEVEL",
		"REQUEST_TIMEOUT=0s":                                     "REQUEST_TIMEOUT",
		"REQUEST_TIMEOUT=10":                                     "REQUEST_TIMEOUT",
		"DB_STATEMENT_TIMEOUT=-5s":                               "DB_STATEMENT_TIMEOUT",
		"DB_STATEMENT_TIMEOUT=500us":                             "DB_STATEMENT_TIMEOUT",
		"SHUTDOWN_DRAIN=-1s":                                     "SHUTDOWN_DRAIN",
		"SHUTDOWN_GRACE=forever":                                 "SHUTDOWN_GRACE",
		"METRICS_ADDR=9090":                                      "METRICS_ADDR",
	}
	for setting, variable := range cases {
		t.Run(setting, func(t *testing.T) {
			t.Parallel()
			_, err := Load([]string{setting})
			require.Error(t, err)
			require.Contains(t, err.Error(), variable)
			require.NotContains(t, err.Error(), "\n")
		})
	}
}

const hsSecret = "JWT_HS256_SECRET=0123456789abcdef0123456789abcdef"

// Exactly one key source: a conflict is one line naming the settings.
func TestLoadRejectsConflictingKeySources(t *testing.T) {
	t.Parallel()
	for want, environ := range map[string][]string{
		"JWT_HS256_SECRET and JWT_PUBLIC_KEY_FILE: ":                  {hsSecret, "JWT_PUBLIC_KEY_FILE=/k.pem"},
		"JWT_HS256_SECRET and JWT_JWKS_URL: ":                         {hsSecret, "JWT_JWKS_URL=https://idp/keys"},
		"JWT_JWKS_URL and JWT_PUBLIC_KEY_FILE: ":                      {"JWT_PUBLIC_KEY_FILE=/k.pem", "JWT_JWKS_URL=https://idp/keys"},
		"JWT_JWKS_URL and JWT_OIDC_DISCOVERY: ":                       {"JWT_JWKS_URL=https://idp/keys", "JWT_OIDC_DISCOVERY=true", "JWT_ISSUER=https://idp"},
		"JWT_HS256_SECRET and JWT_OIDC_DISCOVERY: ":                   {hsSecret, "JWT_OIDC_DISCOVERY=true", "JWT_ISSUER=https://idp"},
		"JWT_HS256_SECRET and JWT_JWKS_URL and JWT_PUBLIC_KEY_FILE: ": {hsSecret, "JWT_PUBLIC_KEY_FILE=/k.pem", "JWT_JWKS_URL=https://idp/keys"},
	} {
		_, err := Load(environ)
		require.ErrorContains(t, err, want)
		require.NotContains(t, err.Error(), "\n")
	}
}

func TestLoadKeySetSettings(t *testing.T) {
	t.Parallel()
	cfg, err := Load([]string{"JWT_JWKS_URL=https://login.example.com/keys", "CURSOR_SECRET=0123456789abcdef0123456789abcdef"})
	require.NoError(t, err)
	require.Equal(t, []string{"RS256", "ES256"}, cfg.JWTAlgorithms)
	require.Equal(t, time.Hour, cfg.JWTJWKSRefresh)
	require.Equal(t, "sub", cfg.JWTSubjectClaim)
	require.NoError(t, cfg.RequireAuth())

	cfg, err = Load([]string{"JWT_OIDC_DISCOVERY=true", "JWT_ISSUER=https://login.example.com/tenant/v2.0",
		"JWT_ALGORITHMS=RS256", "JWT_JWKS_REFRESH=15m", "JWT_SUBJECT_CLAIM=oid",
		"JWT_AUDIENCE=api://runproof, 7f3c-client-id,", "CORS_ALLOWED_ORIGINS=https://admin.example.com, http://127.0.0.1:5173"})
	require.NoError(t, err)
	require.True(t, cfg.JWTOIDCDiscovery)
	require.Equal(t, []string{"RS256"}, cfg.JWTAlgorithms)
	require.Equal(t, 15*time.Minute, cfg.JWTJWKSRefresh)
	require.Equal(t, "oid", cfg.JWTSubjectClaim)
	require.Equal(t, []string{"api://runproof", "7f3c-client-id"}, cfg.JWTAudience)
	require.Equal(t, []string{"https://admin.example.com", "http://127.0.0.1:5173"}, cfg.CORSAllowedOrigins)

	_, err = Load([]string{"JWT_OIDC_DISCOVERY=true", "JWT_ISSUER=http://idp.example.com"})
	require.ErrorContains(t, err, "JWT_ISSUER", "discovery over plain http from another host")
}

func TestRequire(t *testing.T) {
	t.Parallel()
	cfg, err := Load(nil)
	require.NoError(t, err)
	require.ErrorContains(t, cfg.RequireDatabase(), "DATABASE_URL")
	require.ErrorContains(t, cfg.RequireAuth(), "JWT_HS256_SECRET")
	require.Empty(t, cfg.CORSAllowedOrigins, "CORS is off by default")

	// Public keys need a cursor secret of their own.
	for _, source := range []string{"JWT_PUBLIC_KEY_FILE=/k.pem", "JWT_JWKS_URL=https://idp/keys"} {
		cfg, err = Load([]string{source})
		require.NoError(t, err)
		err = cfg.RequireAuth()
		key, _, _ := strings.Cut(source, "=")
		require.ErrorContains(t, err, "CURSOR_SECRET: required with "+key)
		cfg, err = Load([]string{source, "CURSOR_SECRET=0123456789abcdef0123456789abcdef"})
		require.NoError(t, err)
		require.NoError(t, cfg.RequireAuth())
	}
	cfg, err = Load([]string{hsSecret})
	require.NoError(t, err)
	require.NoError(t, cfg.RequireAuth(), "the HS256 secret is a secret: cursors derive their key from it")
}
