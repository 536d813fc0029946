# Every target finds or starts PostgreSQL itself (scripts/pg.sh): DATABASE_URL
# when set, else a private cluster of this checkout.
SHELL := /bin/bash
.DEFAULT_GOAL := help
SWAG_VERSION := v1.16.6
GOLANGCI_LINT_VERSION := 2.15.0
OAPI_CODEGEN := github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2
OPENAPI_TOOLS := tools/openapi/node_modules
SQLC_VERSION := v1.31.1
# The race detector needs cgo and a C compiler; without them the suite still runs.
RACE := $(shell [ "$$(go env CGO_ENABLED 2>/dev/null)" = 1 ] && command -v "$$(go env CC 2>/dev/null || echo gcc)" >/dev/null && echo -race)

.PHONY: help run test lint vet fmt-check golangci-lint openapi check-openapi db db-stop bench bench-api bench-sweep browser

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

run: ## database, migrations, demo data, dev token, then the server on :8080
	@scripts/demo.sh

test: lint check-generated check-openapi ## the whole suite against a real PostgreSQL
	@export DATABASE_URL="$$(scripts/pg.sh)" && go test $(RACE) -count=1 -timeout 30m ./... && (cd bench/river && go test -count=1 ./...)

lint: fmt-check vet golangci-lint ## gofmt, go vet and golangci-lint (.golangci.yml)
	bin/golangci-lint run ./...

fmt-check:
	@out="$$(gofmt -l cmd internal migrations bench)"; if [[ -n "$$out" ]]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	go vet ./...
	cd bench/river && go vet ./...

# Built from source at the pinned version, so a clean clone needs only Go; skipped when
# bin/golangci-lint already reports that version.
golangci-lint: ## install golangci-lint $(GOLANGCI_LINT_VERSION) into ./bin
	@[[ "$$(bin/golangci-lint version --short 2>/dev/null)" == $(GOLANGCI_LINT_VERSION) ]] || GOBIN="$(CURDIR)/bin" go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$(GOLANGCI_LINT_VERSION)

browser: ## Debian's chromium for the browser (CORS) test: installed with apt-get when missing and running as root
	@if [[ -x /usr/bin/chromium ]]; then exit 0; fi; \
	if [[ $$(id -u) == 0 ]] && command -v apt-get >/dev/null; then \
		echo "installing chromium (apt-get) for the browser test" >&2; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2; \
	else \
		echo "no /usr/bin/chromium: install Debian's chromium package (as root: make browser) or the browser test is skipped outside CI" >&2; exit 1; \
	fi

db: ## print a DATABASE_URL, starting the private cluster when needed
	@scripts/pg.sh

db-stop: ## stop the private cluster
	@scripts/pg.sh stop

.PHONY: generate check-generated sqlc

generate: sqlc ## regenerate internal/repo/internal/sqlcdb from internal/repo/queries/*.sql (sqlc $(SQLC_VERSION))
	rm -rf internal/repo/internal/sqlcdb
	bin/sqlc generate

# Generates into a scratch copy of the inputs and compares, so that a stale,
# missing or leftover file fails and the checkout is left alone.
check-generated: sqlc ## fail when the generated SQL code is not what make generate writes
	@tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	cp -r --parents sqlc.yaml migrations internal/repo/queries "$$tmp" && \
	(cd "$$tmp" && "$(CURDIR)/bin/sqlc" generate) && \
	diff -r "$$tmp/internal/repo/internal/sqlcdb" internal/repo/internal/sqlcdb \
		|| { echo "internal/repo/internal/sqlcdb is stale: run make generate"; exit 1; }

# sqlc $(SQLC_VERSION) into ./bin, built once (it needs cgo and a C compiler).
sqlc:
	@[[ "$$(bin/sqlc version 2>/dev/null)" == "$(SQLC_VERSION)" ]] || \
		GOBIN="$(CURDIR)/bin" go install github.com/sqlc-dev/sqlc/cmd/sqlc@$(SQLC_VERSION)

openapi: ## regenerate api/openapi.yaml from the handlers' swag annotations (swag $(SWAG_VERSION), converted to OpenAPI 3) and the Go client internal/apiclient
	@grep -q 'github.com/swaggo/swag $(SWAG_VERSION)' go.mod || { echo "go.mod must pin github.com/swaggo/swag $(SWAG_VERSION)"; exit 1; }
	go run ./cmd/openapi-gen
	go run $(OAPI_CODEGEN) -config internal/apiclient/oapi-codegen.yaml -o internal/apiclient/client.gen.go api/openapi.yaml

check-openapi: $(OPENAPI_TOOLS)/.package-lock.json ## lint api/openapi.yaml (Spectral, Redocly) and compile a TypeScript client of it under --strict
	cd tools/openapi && node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity=warn ../../api/openapi.yaml
	cd tools/openapi && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true node_modules/.bin/redocly lint --config redocly.yaml ../../api/openapi.yaml
	cd tools/openapi && node_modules/.bin/openapi-typescript ../../api/openapi.yaml -o gen/api.d.ts && node_modules/.bin/tsc -p tsconfig.json

# The pinned linters and compilers, installed from tools/openapi/package-lock.json.
$(OPENAPI_TOOLS)/.package-lock.json: tools/openapi/package.json tools/openapi/package-lock.json
	npm ci --prefix tools/openapi --ignore-scripts --no-audit --no-fund

bench-api: ## HTTP load benchmark: ≥200,000 runs, 32 clients, runproof vs a bare chi+pgx floor, 3 interleaved rounds, loopback only
	@export DATABASE_URL="$$(scripts/pg.sh)" && go build -o bin/api ./cmd/api && go build -o bin/benchapi ./cmd/benchapi && bin/benchapi -api bin/api -rounds 3

bench-sweep: ## sweep 100,000 stale runs with proof vs a raw batched UPDATE floor and River's rescuer, 3 interleaved rounds (BENCH_SWEEP_RUNS, BENCH_SWEEP_WORKERS)
	@export DATABASE_URL="$$(scripts/pg.sh)" && (cd bench/river && go build -o ../../bin/benchsweep .) && bin/benchsweep -rounds 3 -repo .

bench: ## the Go micro-benchmarks (decide, proof loading)
	@export DATABASE_URL="$$(scripts/pg.sh)" && go test -run '^$$' -bench 'BenchmarkDecide|BenchmarkLoadProof' -benchmem ./internal/reconcile/ ./internal/repo/ ./internal/app/
