# gifmesh — the two commands a newcomer needs are `make up` and `make test`.
# Every target installs what it needs first (cached: seconds when already there).
SHELL := bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help
ENV := . scripts/node-env.sh && . scripts/infra/env.sh

.PHONY: help install up down status logs infra-up infra-down dev generate lint typecheck format \
        check-contracts check-deploy test test-unit test-integration test-faults bench load clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

install: ## Install Node 24, npm packages, PostgreSQL, Redis, Kafka, S3 server, Jaeger (cached)
	@bash scripts/install.sh

# (install runs inside the recipe, not as a prerequisite, so the total below includes it.)
up: ## Install what is missing, start infrastructure and every service in the background, wait until ready, print URLs
	@start=$$(date +%s); \
	bash scripts/install.sh; \
	installed=$$(date +%s); \
	bash scripts/infra/up.sh; \
	bash scripts/stack/up.sh; \
	bash scripts/stack/urls.sh; \
	echo "make up took $$(( $$(date +%s) - start )) s (install $$(( installed - start )) s, start $$(( $$(date +%s) - installed )) s)"

down: ## Stop the services and the infrastructure (data is kept; see scripts/infra/down.sh --purge)
	@bash scripts/stack/down.sh
	@bash scripts/infra/down.sh

status: ## Show what runs and whether it is ready
	@bash scripts/infra/status.sh || true
	@bash scripts/stack/status.sh || true

logs: ## Follow the logs of every server and service (make logs NAME=storage for one)
	@$(ENV) && if [ -n "$(NAME)" ]; then tail -n 100 -F "$$GIFMESH_DATA/logs/$(NAME).log"; \
	  else tail -n 20 -F "$$GIFMESH_DATA"/logs/*.log; fi

infra-up: install ## Start only the infrastructure (PostgreSQL, Redis, Kafka, S3, Jaeger)
	@bash scripts/infra/up.sh

infra-down: ## Stop only the infrastructure
	@bash scripts/infra/down.sh

dev: install infra-up ## The services of make up in the foreground through turbo, restarted when their files change
	@bash scripts/stack/dev.sh

generate: ## Regenerate gen/ from proto/ with buf
	@$(ENV) && buf generate

lint: ## ESLint and Prettier
	@$(ENV) && echo "==> eslint" && npm run -s lint && echo "==> prettier --check" && npm run -s format:check

format: ## Format the code with Prettier
	@$(ENV) && npm run -s format

typecheck: ## TypeScript strict typecheck of every workspace
	@$(ENV) && echo "==> typecheck" && npx turbo run typecheck --output-logs=errors-only && tsc -p tsconfig.json

check-contracts: ## buf lint, buf breaking (baseline and previous commit), gen/ freshness
	@bash scripts/check-contracts.sh

check-deploy: ## Validate Dockerfile, compose, Helm chart and workflows with real tools (installed into .cache)
	@bash scripts/deploy/check.sh

test-unit: ## Unit tests (no servers)
	@$(ENV) && npx vitest run --project unit

test-integration: infra-up ## Integration tests against the real servers
	@$(ENV) && npx vitest run --project integration

test: install ## Everything CI runs: lint, typecheck, contracts, deployment, unit, integration, e2e, metrics, faults, cluster
	@bash scripts/test-all.sh

test-faults: install ## Fault injection on a private stack, faults (a)-(h), zero lost/duplicated (FAULTS_QUICK=1: short outages)
	@bash scripts/faults/run.sh

bench: install ## Benchmarks vs same-run baselines on a private stack -> bench/RESULTS.md (~3-5 min; BENCH_* knobs)
	@bash scripts/bench/run.sh

load: ## Mixed load against the running gateway (make up); LOAD_URL LOAD_DURATION_S LOAD_CONCURRENCY LOAD_RATE
	@bash scripts/bench/load.sh

# The scale-out proof on a 3-broker cluster of its own (scripts/cluster, never the dev broker).
.PHONY: cluster-up cluster-down test-cluster
cluster-up: install ## Start the 3-broker KRaft cluster (loopback :19092-19097), print "3 brokers" and the topic layout
	@bash scripts/cluster/up.sh

cluster-down: ## Stop the 3-broker cluster (scripts/cluster/down.sh --purge also drops its data)
	@bash scripts/cluster/down.sh

test-cluster: install ## Scale-out faults on a fresh 3-broker cluster: 2 gateways behind HAProxy, 2 storage, 2 workers (<= 12 min)
	@bash scripts/cluster/test.sh

clean: ## Remove caches of the build tools (keeps installed servers and data)
	rm -rf .turbo node_modules/.cache
