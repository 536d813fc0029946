// Command api is runproof's single binary: the HTTP service and its
// operator verbs (migrations, demo data, dev tokens, stale sweeps).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/runproof/runproof/internal/config"
	"github.com/runproof/runproof/internal/repo"
)

const usage = `usage: api <verb> [flags]

verbs:
  serve                       run the HTTP API (and the stale sweeper unless SWEEP_INTERVAL=0)
  migrate up|down|status      apply, roll back one, or list migrations
  seed demo [--reset]         load the demo workspace (idempotent; --reset recreates it)
  token --sub S [--ttl 12h]   print a dev token (needs JWT_HS256_SECRET)
  reconcile --stale [--workspace ID] [--dry-run]
                              finalize every stale run once (a sweep pass), print a summary

configuration comes from environment variables; see README.md.
`

// errUsage marks errors that are the caller's wording, answered with exit code 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // the first signal shuts down gracefully; a second one ends the process at once
	}()
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one verb and returns the process exit code: 0 done, 1 failed,
// 2 bad usage. Failures are one line on stderr.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cfg, err := config.Load(environ)
	if err == nil {
		err = dispatch(ctx, cfg, args, stdout, stderr)
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "api: %v\n\n%s", err, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "api: %s\n", oneLine(err.Error()))
		return 1
	}
}

func dispatch(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	verb, rest := args[0], args[1:]
	switch verb {
	case "serve":
		return serve(ctx, cfg, rest, stderr)
	case "migrate":
		return migrate(ctx, cfg, rest, stdout)
	case "seed":
		return seed(ctx, cfg, rest, stdout)
	case "token":
		return token(cfg, rest, stdout)
	case "reconcile":
		return reconcileStale(ctx, cfg, rest, stdout, stderr)
	default:
		return fmt.Errorf("%w: unknown verb %q", errUsage, verb)
	}
}

// oneLine folds a multi-line error (pgx lists every address it tried) into
// the one line an operator sees.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\t' }), "; ")
}

// connect opens the pool a verb needs, failing clearly without DATABASE_URL.
func connect(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	if err := cfg.RequireDatabase(); err != nil {
		return nil, err
	}
	return repo.Connect(ctx, cfg.DatabaseURL, repo.PoolOptions{})
}
