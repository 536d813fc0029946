package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/config"
)

func mustConfig(t *testing.T, environ ...string) config.Config {
	t.Helper()
	cfg, err := config.Load(environ)
	require.NoError(t, err)
	return cfg
}
