# The front door. `make run` and `make test` set up everything they need themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
export FLASK_APP := server

.PHONY: run test lint format install clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## Run the app on the embedded default (SQLite + local media folder) with the demo loaded.
run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	@echo
	@echo "fieldcase is running at http://$(HOST):$(PORT)/"
	@echo "  API:     http://$(HOST):$(PORT)/api/v1/   (OpenAPI: /api/v1/openapi.json)"
	@echo "  Health:  http://$(HOST):$(PORT)/api/v1/health"
	@echo
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --access-logfile - 'server:create_app()'

## Every test: lint, then pytest (on PostgreSQL as well when FIELDCASE_TEST_POSTGRES_URL is set).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## Sync throughput and latency against a real gunicorn (prints its figures).
bench: $(STAMP)
	$(BIN)/python bench/sync_bench.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
