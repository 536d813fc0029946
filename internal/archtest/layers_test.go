// Package archtest holds the layering of runproof's packages
// (docs/architecture.md) against what they import.
package archtest

import (
	"errors"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/runproof/runproof/"

// layers are runproof's layers from the bottom up: a package may import
// packages of the layers below its own and the leaves, nothing else of
// runproof's. Packages of one layer do not import each other.
var layers = [][]string{
	{"internal/domain"},    // the vocabulary every layer speaks
	{"internal/proof"},     // what a run's proof is
	{"internal/reconcile"}, // the rules: families, adapters, pure decisions
	{"internal/repo"},      // every SQL statement; the only user of pgx
	{"internal/app"},       // the use cases, end to end
	{"internal/http", "internal/sweep"},
	{"cmd/api", "cmd/benchapi", "cmd/openapi-gen"}, // wiring; may also use the tools
}

// skipsNotAllowed are imports a package's layer would allow but that go
// around the use cases: handlers and the sweep loop call internal/app only.
var skipsNotAllowed = map[string][]string{
	"internal/http":  {"internal/repo", "internal/proof"},
	"internal/sweep": {"internal/repo", "internal/proof", "internal/reconcile"},
}

// knownViolations are imports that break the layering today, each to go
// with the change named.
var knownViolations = map[[2]string]string{}

// leaves may be imported by any layer; each imports only the runproof
// packages listed.
var leaves = map[string][]string{
	"internal/authz":    nil,
	"internal/metrics":  nil,
	"internal/config":   {"internal/domain", "internal/authz"},
	"internal/wording":  {"internal/domain"},
	"internal/jsonscan": nil,
	"api":               nil, // the embedded OpenAPI document
	"migrations":        nil, // the embedded SQL migrations
	// repo's generated queries: Go's internal rule lets only repo import them.
	"internal/repo/internal/sqlcdb": nil,
}

// tools are not part of the service: test helpers, the demo data of
// `api seed demo`, and what the benchmarks and `make openapi` use. Only
// tests and the cmd layer import them.
var tools = map[string][]string{
	"internal/dbtest":              {"internal/repo", "migrations"},
	"internal/proof/prooftest":     {"internal/domain", "internal/repo"},
	"internal/demo":                nil,
	"internal/benchdata":           nil,
	"internal/apidoc":              nil,
	"internal/apiclient":           nil, // the generated client the HTTP tests drive the API with
	"internal/authz/jwkstest":      nil, // an identity provider's key set, for tests
	"internal/wording/wordingtest": nil,
}

// pgxUsers may import pgx besides internal/repo, each for the reason given.
var pgxUsers = map[string]string{
	"internal/dbtest":               "test helper: opens each test's database",
	"internal/proof/prooftest":      "test helper: counts a pool's statements with a pgx tracer",
	"internal/demo":                 "tool: writes the demo workspace, in a transaction of its own",
	"cmd/api":                       "wiring: opens the pool",
	"cmd/benchapi":                  "benchmark tool: seeds its data and serves the bare chi+pgx floor",
	"internal/repo/internal/sqlcdb": "repo's own generated queries",
}

const pgx = "github.com/jackc/pgx"

// TestLayers fails when a package imports a layer above its own (or beside
// it, or around the use cases), when internal/http imports internal/repo or
// pgx, when anything but internal/repo and the pgxUsers imports pgx, when a
// package is not placed in the tables above, and when an exception is no
// longer needed. Only the packages' own code counts: tests may reach down
// to set up a database.
func TestLayers(t *testing.T) {
	pkgs := packages(t)
	for path, imports := range pkgs {
		if !placed(path) {
			t.Errorf("%s is in no layer, leaf or tool of this test: place it", path)
			continue
		}
		for _, imp := range imports {
			own, ok := strings.CutPrefix(imp, module)
			if ok && !allowed(path, own) && knownViolations[[2]string{path, own}] == "" {
				t.Errorf("%s imports %s, which its layer may not", path, own)
			}
			if strings.HasPrefix(imp, pgx) && path != "internal/repo" && pgxUsers[path] == "" {
				t.Errorf("%s imports %s: only internal/repo talks to PostgreSQL", path, imp)
			}
		}
	}
	for _, imp := range pkgs["internal/http"] {
		if imp == module+"internal/repo" || strings.HasPrefix(imp, pgx) {
			t.Errorf("internal/http imports %s: handlers call the use cases of internal/app only", imp)
		}
	}
	for pair, reason := range knownViolations {
		if !slices.Contains(pkgs[pair[0]], module+pair[1]) {
			t.Errorf("%s no longer imports %s: drop its entry (%s)", pair[0], pair[1], reason)
		}
	}
	for path, reason := range pgxUsers {
		if !slices.ContainsFunc(pkgs[path], func(imp string) bool { return strings.HasPrefix(imp, pgx) }) {
			t.Errorf("%s no longer imports pgx: drop its entry (%s)", path, reason)
		}
	}
}

// TestLayerRules checks the rules themselves on imports that must and must
// not pass, so that TestLayers can fail.
func TestLayerRules(t *testing.T) {
	for _, c := range []struct {
		from, to string
		ok       bool
	}{
		{"internal/app", "internal/repo", true},
		{"internal/http", "internal/app", true},
		{"internal/http", "internal/reconcile", true},
		{"internal/http", "internal/metrics", true},
		{"internal/reconcile", "internal/proof", true},
		{"cmd/api", "internal/demo", true},
		{"internal/config", "internal/domain", true},
		{"internal/http", "internal/repo", false},
		{"internal/sweep", "internal/repo", false},
		{"internal/sweep", "internal/app", true},
		{"internal/http", "internal/sweep", false},
		{"internal/reconcile", "internal/repo", false},
		{"internal/repo", "internal/app", false},
		{"internal/domain", "internal/proof", false},
		{"internal/app", "internal/demo", false},
		{"internal/config", "internal/app", false},
		{"internal/metrics", "internal/domain", false},
		{"internal/nowhere", "internal/domain", false},
	} {
		if got := allowed(c.from, c.to); got != c.ok {
			t.Errorf("allowed(%s, %s) = %v, want %v", c.from, c.to, got, c.ok)
		}
	}
}

// allowed reports whether runproof package from may import runproof package to.
func allowed(from, to string) bool {
	if deps, ok := leaves[from]; ok {
		return slices.Contains(deps, to)
	}
	if deps, ok := tools[from]; ok {
		return slices.Contains(deps, to)
	}
	fromLayer, toLayer := layerOf(from), layerOf(to)
	switch {
	case fromLayer < 0 || slices.Contains(skipsNotAllowed[from], to):
		return false
	case toLayer >= 0:
		return toLayer < fromLayer
	case leaves[to] != nil || hasKey(leaves, to):
		return true
	default: // a tool
		return hasKey(tools, to) && fromLayer == len(layers)-1
	}
}

func layerOf(path string) int {
	for i, l := range layers {
		if slices.Contains(l, path) {
			return i
		}
	}
	return -1
}

func placed(path string) bool {
	return layerOf(path) >= 0 || hasKey(leaves, path) || hasKey(tools, path)
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// packages returns the imports of every package of the module (without
// its tests), by path relative to the module root.
func packages(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	out := map[string][]string{}
	err = filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, dir)
		name := d.Name()
		if rel != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "scripts") {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && rel != "." {
			return filepath.SkipDir // another module
		}
		pkg, err := build.ImportDir(dir, 0)
		var none *build.NoGoError
		switch {
		case errors.As(err, &none):
			return nil
		case err != nil:
			return err
		case len(pkg.GoFiles)+len(pkg.CgoFiles) == 0:
			return nil // tests only, like this package
		}
		out[filepath.ToSlash(rel)] = pkg.Imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d packages under %s", len(out), root)
	}
	return out
}
