package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/config"
	rphttp "github.com/runproof/runproof/internal/http"
	"github.com/runproof/runproof/internal/metrics"
	"github.com/runproof/runproof/internal/repo"
	"github.com/runproof/runproof/internal/sweep"
)

func serve(ctx context.Context, cfg config.Config, args []string, stderr io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: serve takes no arguments", errUsage)
	}
	verifier, cursorSecret, err := newVerifier(cfg)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))

	pool, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	migrator, err := repo.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer migrator.Close()

	ready := func(ctx context.Context) error {
		if err := pool.Ping(ctx); err != nil {
			return err
		}
		pending, err := migrator.Pending(ctx)
		if err != nil {
			return err
		}
		if pending {
			return errors.New("migrations pending: run `api migrate up`")
		}
		return nil
	}
	meters := metrics.New() // one registry for the API and the sweep
	application, err := app.New(pool, app.Config{
		Staleness:      cfg.Staleness,
		Metrics:        meters,
		Log:            log.With("component", "sweep"),
		SweepBatchSize: cfg.SweepBatchSize,
	})
	if err != nil {
		return err
	}
	handler := rphttp.NewRouter(rphttp.Deps{
		Log:          log,
		App:          application,
		Verifier:     verifier,
		Metrics:      meters,
		CursorSecret: cursorSecret,
		Ready:        ready,
	})
	if cfg.SweepInterval == 0 {
		log.Info("sweeper off", "setting", "SWEEP_INTERVAL=0")
	} else {
		sweeper, err := sweep.New(application, sweep.Config{
			Interval: cfg.SweepInterval,
			Log:      log.With("component", "sweep"),
		})
		if err != nil {
			return err
		}
		sweeper.Start(ctx)
		defer sweeper.Stop() // after the server drained: an open batch rolls back whole
		log.Info("sweeper started", "interval", cfg.SweepInterval.String())
	}
	return rphttp.Serve(ctx, cfg.ListenAddr, handler, log, 20*time.Second)
}

// newVerifier builds the token verifier from JWT_* settings. It also
// returns the key bytes it verifies with (the HS256 secret or the PEM), from
// which hub cursors are sealed, so they stay valid across restarts and
// replicas. With a public key anyone holding it could forge a cursor; that
// only picks a page position, since every hub query is scoped to the member.
func newVerifier(cfg config.Config) (*authz.Verifier, []byte, error) {
	if err := cfg.RequireAuth(); err != nil {
		return nil, nil, err
	}
	vc := authz.VerifierConfig{
		Issuer:   cfg.JWTIssuer,
		Audience: cfg.JWTAudience,
		Leeway:   30 * time.Second,
	}
	key, setting := []byte(cfg.JWTHS256Secret), "JWT_HS256_SECRET"
	if cfg.JWTPublicKeyFile != "" {
		pem, err := os.ReadFile(cfg.JWTPublicKeyFile)
		if err != nil {
			return nil, nil, fmt.Errorf("JWT_PUBLIC_KEY_FILE: %v", err)
		}
		vc.PublicKeyPEM, key, setting = pem, pem, "JWT_PUBLIC_KEY_FILE"
	} else {
		vc.HS256Secret = key
	}
	v, err := authz.NewVerifier(vc)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", setting, err)
	}
	return v, key, nil
}
