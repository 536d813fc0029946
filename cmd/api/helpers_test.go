package main

import (
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/config"
)

// devSecret is a valid JWT_HS256_SECRET setting for tests.
const devSecret = "JWT_HS256_SECRET=0123456789abcdef0123456789abcdef"

// quiet is a logger for code under test whose logs no test reads.
var quiet = slog.New(slog.DiscardHandler)

func mustConfig(t *testing.T, environ ...string) config.Config {
	t.Helper()
	cfg, err := config.Load(environ)
	require.NoError(t, err)
	return cfg
}
