# The front door. `make run` and `make test` set up everything they need themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
export FLASK_APP := server

# System packages: a CJK font for the watermark on printed evidence (Pillow draws with it),
# ffmpeg (ffprobe checks sound and video evidence is what it declares; ffmpeg takes a
# video's poster frame), SoftHSM2 (a PKCS#11 token in files: the tests of a seal key kept
# in a hardware token / HSM),
# Debian's Chromium for the field app's browser tests (no browser can be downloaded), and
# nginx (with envsubst, from gettext-base) for the production stack's tests.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
CHROMIUM := /usr/bin/chromium
PDFTOTEXT := /usr/bin/pdftotext
ZBARIMG := /usr/bin/zbarimg
FFPROBE := /usr/bin/ffprobe
SOFTHSM := /usr/bin/softhsm2-util
NGINX := /usr/sbin/nginx
ENVSUBST := /usr/bin/envsubst

# The field app: npm ci when the lock file changes, a Vite build when a source does.
PWA_LOCK := pwa/node_modules/.package-lock.json
PWA_SOURCES := $(shell find pwa/src pwa/public -type f 2>/dev/null) pwa/index.html pwa/vite.config.js pwa/package.json

.PHONY: run test lint format install clean bench bench-dashboard bench-chaos system-packages pwa

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

## Debian packages the app needs; installed when missing if we may (root with apt).
system-packages:
	@missing=""; \
	[ -f $(CJK_FONT) ] || missing="fonts-wqy-microhei"; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	[ -x $(NGINX) ] || missing="$$missing nginx"; \
	[ -x $(ENVSUBST) ] || missing="$$missing gettext-base"; \
	[ -x $(PDFTOTEXT) ] || missing="$$missing poppler-utils"; \
	[ -x $(ZBARIMG) ] || missing="$$missing zbar-tools"; \
	[ -x $(FFPROBE) ] || missing="$$missing ffmpeg"; \
	[ -x $(SOFTHSM) ] || missing="$$missing softhsm2"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "MISSING: Debian packages$$missing. Run: sudo apt-get install$$missing" >&2; \
	    echo "(without chromium or nginx their tests are skipped, loudly; in CI they fail)" >&2; \
	    [ -f $(CJK_FONT) ] || exit 1; \
	  fi; \
	fi

# Not `npm ci`: the registry proxy here has no packages for other platforms (rollup's
# optional android/darwin/win32 binaries), so npm 11 writes a lock it then calls out of
# sync. `install --no-save` installs exactly what the lock pins and never rewrites it.
$(PWA_LOCK): pwa/package-lock.json
	cd pwa && npm install --no-save --no-audit --no-fund --loglevel=error
	touch $@

pwa/dist/index.html: $(PWA_LOCK) $(PWA_SOURCES)
	cd pwa && npm run --silent build

pwa: pwa/dist/index.html

install: $(STAMP) system-packages pwa

## Run the app on the embedded default (SQLite + local media folder) with the demo loaded.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	@echo
	@echo "fieldcase is running at http://$(HOST):$(PORT)/"
	@echo "  API:     http://$(HOST):$(PORT)/api/v1/   (OpenAPI: /api/v1/openapi.json)"
	@echo "  Health:  http://$(HOST):$(PORT)/api/v1/health"
	@echo
	FIELDCASE_LOG_FORMAT=$${FIELDCASE_LOG_FORMAT:-text} $(BIN)/gunicorn --bind $(HOST):$(PORT) 'server:create_app()'

## Every test: lint, the field app's own tests (its copies of the rules held to vectors the
## Python code makes), then pytest on every core (on PostgreSQL as well when
## FIELDCASE_TEST_POSTGRES_URL is set).
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd pwa && npm run --silent lint
	$(BIN)/python tests/vectors/make_vectors.py pwa/test/vectors.json
	cd pwa && npm run --silent test
	$(BIN)/pytest -n auto

## Sync and evidence against a real gunicorn; the field app in Chromium (each prints its figures).
bench: install
	$(BIN)/python bench/sync_bench.py
	$(BIN)/python bench/evidence_bench.py
	$(BIN)/python bench/pwa_bench.py

## The closed-loop dashboard on a county's 1,000,000 clues (needs PostgreSQL on 127.0.0.1:5432).
bench-dashboard: install
	$(BIN)/python bench/dashboard_bench.py

## Chaos sync at full size: 50 phones, 20,000 mutations, 20 server kills (SQLite; pass
## CHAOS_ARGS="--database-url postgresql+psycopg://…/empty_db" for PostgreSQL).
bench-chaos: install
	$(BIN)/python bench/chaos_sync.py $(CHAOS_ARGS)

lint: $(STAMP) $(PWA_LOCK)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd pwa && npm run --silent lint

format: $(STAMP) $(PWA_LOCK)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	cd pwa && npm run --silent format

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis pwa/node_modules pwa/dist
