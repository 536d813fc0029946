package config

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := Load([]string{"DATABASE_URL=postgres://x"})
	require.NoError(t, err)
	require.Equal(t, ":8080", cfg.ListenAddr)
	require.Equal(t, time.Minute, cfg.SweepInterval)
	require.Equal(t, 1000, cfg.SweepBatchSize)
	require.Equal(t, 15*time.Minute, cfg.Staleness.Queued)
	require.Equal(t, 30*time.Minute, cfg.Staleness.RunningAfter("inventory_sync"))
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
		"SWEEP_INTERVAL=soon":                  "SWEEP_INTERVAL",
		"SWEEP_INTERVAL=-1s":                   "SWEEP_INTERVAL",
		"SWEEP_BATCH_SIZE=lots":                "SWEEP_BATCH_SIZE",
		"SWEEP_BATCH_SIZE=0":                   "SWEEP_BATCH_SIZE",
		"SWEEP_BATCH_SIZE=10001":               "SWEEP_BATCH_SIZE",
		"STALE_QUEUED_AFTER=15":                "STALE_QUEUED_AFTER",
		"STALE_QUEUED_AFTER=0s":                "STALE_QUEUED_AFTER",
		"STALE_RUNNING_AFTER=inventory.sync=x": "STALE_RUNNING_AFTER",
		"STALE_RUNNING_AFTER==5m":              "STALE_RUNNING_AFTER",
		"JWT_HS256_SECRET=short":               "JWT_HS256_SECRET",
		"LOG_LEVEL=loud":                       "LOG_LEVEL",
		"REQUEST_TIMEOUT=0s":                   "REQUEST_TIMEOUT",
		"REQUEST_TIMEOUT=10":                   "REQUEST_TIMEOUT",
		"DB_STATEMENT_TIMEOUT=-5s":             "DB_STATEMENT_TIMEOUT",
		"DB_STATEMENT_TIMEOUT=500us":           "DB_STATEMENT_TIMEOUT",
		"SHUTDOWN_DRAIN=-1s":                   "SHUTDOWN_DRAIN",
		"SHUTDOWN_GRACE=forever":               "SHUTDOWN_GRACE",
		"METRICS_ADDR=9090":                    "METRICS_ADDR",
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

func TestLoadRejectsBothKeys(t *testing.T) {
	t.Parallel()
	_, err := Load([]string{"JWT_HS256_SECRET=0123456789abcdef0123456789abcdef", "JWT_PUBLIC_KEY_FILE=/k.pem"})
	require.ErrorContains(t, err, "JWT_HS256_SECRET and JWT_PUBLIC_KEY_FILE")
}

func TestRequire(t *testing.T) {
	t.Parallel()
	cfg, err := Load(nil)
	require.NoError(t, err)
	require.ErrorContains(t, cfg.RequireDatabase(), "DATABASE_URL")
	require.ErrorContains(t, cfg.RequireAuth(), "JWT_HS256_SECRET")
}
