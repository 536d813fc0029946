# Every target finds or starts PostgreSQL itself (scripts/pg.sh): DATABASE_URL
# when set, else a private cluster of this checkout.
SHELL := /bin/bash
.DEFAULT_GOAL := help
SWAG_VERSION := v1.16.6
# The race detector needs cgo and a C compiler; without them the suite still runs.
RACE := $(shell [ "$$(go env CGO_ENABLED 2>/dev/null)" = 1 ] && command -v "$$(go env CC 2>/dev/null || echo gcc)" >/dev/null && echo -race)

.PHONY: help run test lint vet fmt-check openapi db db-stop bench bench-api bench-sweep

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## database, migrations, demo data, dev token, then the server on :8080
	@scripts/demo.sh

test: lint ## the whole suite against a real PostgreSQL
	@export DATABASE_URL="$$(scripts/pg.sh)" && go test $(RACE) -count=1 -timeout 30m ./...

lint: fmt-check vet ## gofmt and go vet

fmt-check:
	@out="$$(gofmt -l cmd internal migrations)"; if [[ -n "$$out" ]]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	go vet ./...

db: ## print a DATABASE_URL, starting the private cluster when needed
	@scripts/pg.sh

db-stop: ## stop the private cluster
	@scripts/pg.sh stop

openapi: ## regenerate api/openapi.yaml from the handlers' swag annotations (swag $(SWAG_VERSION), converted to OpenAPI 3)
	@grep -q 'github.com/swaggo/swag $(SWAG_VERSION)' go.mod || { echo "go.mod must pin github.com/swaggo/swag $(SWAG_VERSION)"; exit 1; }
	go run ./cmd/openapi-gen

bench-api: ## HTTP load benchmark: ≥200,000 runs, 32 clients, runproof vs a bare chi+pgx floor, 3 interleaved rounds, loopback only
	@export DATABASE_URL="$$(scripts/pg.sh)" && go build -o bin/api ./cmd/api && go build -o bin/benchapi ./cmd/benchapi && bin/benchapi -api bin/api -rounds 3

bench-sweep: ## sweep 100,000 stale runs with proof vs a raw batched UPDATE floor (BENCH_SWEEP_RUNS, BENCH_SWEEP_WORKERS)
	@export DATABASE_URL="$$(scripts/pg.sh)" && go test -run '^$$' -bench BenchmarkSweep -benchtime=1x -timeout 30m ./internal/app/

bench: ## the Go micro-benchmarks (decide, proof loading)
	@export DATABASE_URL="$$(scripts/pg.sh)" && go test -run '^$$' -bench 'BenchmarkDecide|BenchmarkLoadProof' -benchmem ./internal/reconcile/ ./internal/proof/ ./internal/app/
