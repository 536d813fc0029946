package main

import (
	"cmp"
	"context"
	"crypto/hkdf"
	"crypto/sha256"
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
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	verifier, cursorSecret, err := newVerifier(ctx, cfg, log)
	if err != nil {
		return err
	}

	if err := cfg.RequireDatabase(); err != nil {
		return err
	}
	pool, err := repo.Connect(ctx, cfg.DatabaseURL, repo.PoolOptions{
		StatementTimeout: cfg.DBStatementTimeout,
		Log:              log.With("component", "db"),
	})
	if err != nil {
		return err
	}
	defer pool.Close() // last: after the requests and the sweeper let go of it
	migrator, err := repo.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer func() { _ = migrator.Close() }() // only returns connections to the pool, which closes next

	ready := func(ctx context.Context) error {
		if err := verifier.Ready(ctx); err != nil {
			return &rphttp.NotReadyError{Reason: "no token key set could be fetched from the identity provider yet", Err: err}
		}
		if err := pool.Ping(ctx); err != nil {
			return &rphttp.NotReadyError{Reason: "the database does not answer", Err: err}
		}
		pending, err := migrator.Pending(ctx)
		if err != nil {
			return &rphttp.NotReadyError{Reason: "the database does not answer", Err: err}
		}
		if pending {
			return &rphttp.NotReadyError{Reason: "database migrations are pending", Err: errors.New("run `api migrate up`")}
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
		Log:                log,
		App:                application,
		Verifier:           verifier,
		Metrics:            meters,
		CursorSecret:       cursorSecret,
		Ready:              ready,
		RequestTimeout:     cfg.RequestTimeout,
		Stopping:           ctx.Done(), // readiness fails at the signal, before the drain
		MetricsElsewhere:   cfg.MetricsAddr != "",
		CORSAllowedOrigins: cfg.CORSAllowedOrigins,
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
		sweeper.Start(ctx) // stops at the signal: an open batch rolls back whole
		defer sweeper.Stop()
		log.Info("sweeper started", "interval", cfg.SweepInterval.String())
	}
	return rphttp.Serve(ctx, rphttp.ServeConfig{
		Addr:           cfg.ListenAddr,
		Handler:        handler,
		MetricsAddr:    cfg.MetricsAddr,
		Metrics:        meters.Handler(),
		Log:            log,
		RequestTimeout: cfg.RequestTimeout,
		Drain:          cfg.ShutdownDrain,
		Grace:          cfg.ShutdownGrace,
	})
}

// newVerifier builds the token verifier from the JWT_* settings, following
// a provider's key set until ctx ends, and returns the key hub cursors are
// sealed with (see cursorKey).
func newVerifier(ctx context.Context, cfg config.Config, log *slog.Logger) (*authz.Verifier, []byte, error) {
	if err := cfg.RequireAuth(); err != nil {
		return nil, nil, err
	}
	vc := authz.VerifierConfig{
		Issuer:       cfg.JWTIssuer,
		Audiences:    cfg.JWTAudience,
		SubjectClaim: cfg.JWTSubjectClaim,
		Leeway:       30 * time.Second,
	}
	var setting string
	switch {
	case cfg.JWTHS256Secret != "":
		vc.HS256Secret, setting = []byte(cfg.JWTHS256Secret), "JWT_HS256_SECRET"
	case cfg.JWTPublicKeyFile != "":
		pem, err := os.ReadFile(cfg.JWTPublicKeyFile)
		if err != nil {
			return nil, nil, fmt.Errorf("JWT_PUBLIC_KEY_FILE: %w", err)
		}
		vc.PublicKeyPEM, setting = pem, "JWT_PUBLIC_KEY_FILE"
	default:
		ksc := authz.KeySetConfig{URL: cfg.JWTJWKSURL, Refresh: cfg.JWTJWKSRefresh, Log: log.With("component", "keyset")}
		setting = "JWT_JWKS_URL"
		if cfg.JWTOIDCDiscovery {
			ksc.Issuer, setting = cfg.JWTIssuer, "JWT_OIDC_DISCOVERY"
		}
		keys, err := authz.NewKeySet(ctx, ksc)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", setting, err)
		}
		vc.KeySet, vc.Algorithms = keys, cfg.JWTAlgorithms
	}
	v, err := authz.NewVerifier(vc)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", setting, err)
	}
	key, err := cursorKey(cfg)
	if err != nil {
		return nil, nil, err
	}
	return v, key, nil
}

// cursorKey derives the key hub cursors are sealed with from CURSOR_SECRET,
// or else from the HS256 secret (RequireAuth made sure one is set): the same
// on every replica given the same settings, and, through HKDF with a label of
// its own, never the key tokens are signed with, so a cursor's seal can never
// pass for a token's signature or the reverse.
func cursorKey(cfg config.Config) ([]byte, error) {
	secret := cmp.Or(cfg.CursorSecret, cfg.JWTHS256Secret)
	return hkdf.Key(sha256.New, []byte(secret), nil, "runproof hub cursor key v1", 32)
}
