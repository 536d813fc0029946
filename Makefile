# Every target finds or starts PostgreSQL itself (scripts/pg.sh): DATABASE_URL
# when set, else a private cluster of this checkout.
SHELL := /bin/bash
.DEFAULT_GOAL := help
SWAG_VERSION := v1.16.6

.PHONY: help run test lint vet fmt-check openapi db db-stop bench bench-api bench-sweep

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## database, migrations, demo data, dev token, then the server on :8080
	@scripts/demo.sh

test: lint ## the whole suite against a real PostgreSQL
	@export DATABASE_URL="$$(scripts/pg.sh)" && go test -count=1 -timeout 30m ./...

lint: fmt-check vet ## gofmt and go vet

fmt-check:
	@out="$$(gofmt -l cmd internal migrations)"; if [[ -n "$$out" ]]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	go vet ./...

db: ## print a DATABASE_URL, starting the private cluster when needed
	@scripts/pg.sh

db-stop: ## stop the private cluster
	@scripts/pg.sh stop
