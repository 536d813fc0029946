// Package dbtest gives each test its own PostgreSQL database, cloned from a
// template that runproof's migrations built once per migration hash.
package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver for pgtestdb
	"github.com/peterldowns/pgtestdb"

	"github.com/runproof/runproof/internal/repo"
	"github.com/runproof/runproof/migrations"
)

// New returns a pool on a fresh, fully migrated database that is dropped when
// the test passes (kept for inspection when it fails).
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, _ := NewWithURL(t)
	return pool
}

// NewWithURL is New that also returns the database's URL, for code under test
// that connects by itself (the CLI, a second pool).
func NewWithURL(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	return open(t, gooseMigrator{})
}

// NewEmpty returns a database with no schema at all, for migration tests.
func NewEmpty(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	return open(t, pgtestdb.NoopMigrator{})
}

func open(t testing.TB, m pgtestdb.Migrator) (*pgxpool.Pool, string) {
	t.Helper()
	cfg := pgtestdb.Custom(t, serverConfig(t), m)
	pool, err := pgxpool.New(context.Background(), cfg.URL())
	if err != nil {
		t.Fatalf("dbtest: open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool, cfg.URL()
}

// serverConfig reads the server to clone databases on from DATABASE_URL, which
// `make test` always sets (starting a private cluster when needed).
func serverConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	raw := os.Getenv("DATABASE_URL")
	if raw == "" {
		t.Fatalf("dbtest: DATABASE_URL is not set; run the tests with `make test`, which provides PostgreSQL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("dbtest: DATABASE_URL: %v", err)
	}
	password, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	if _, err := strconv.Atoi(port); err != nil {
		t.Fatalf("dbtest: DATABASE_URL port %q", port)
	}
	host := u.Hostname()
	if host == "" {
		host = u.Query().Get("host")
	}
	db := u.Path
	if len(db) > 0 {
		db = db[1:]
	}
	opts := u.Query()
	opts.Del("host")
	if !opts.Has("sslmode") {
		opts.Set("sslmode", "disable")
	}
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       host,
		Port:       port,
		User:       u.User.Username(),
		Password:   password,
		Database:   db,
		Options:    opts.Encode(),
	}
}

// gooseMigrator builds the template with the same goose migrations production
// runs; its hash covers every migration file, so a schema change makes a new template.
type gooseMigrator struct{}

func (gooseMigrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func (gooseMigrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	// pgtestdb owns and closes db; the migrator only borrows it.
	m, err := repo.NewMigratorDB(db)
	if err != nil {
		return err
	}
	_, err = m.Up(ctx)
	return err
}
