# The two commands of the README: `make run` (serve Coach with demo data) and `make test`.
# Each does all the set-up it needs on a fresh Debian machine with Python 3.11.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Every package, with its hashes, pinned by `make lock` from pyproject.toml.
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
# postgresql and redis-server: the tests start throwaway servers when none answers (tests/services.py).
SYSTEM_PACKAGES := chromium chromium-driver espeak-ng sox ffmpeg postgresql redis-server
# axe-core for the accessibility browser tests; npm ci leaves this file behind. `make run` needs no node.
NODE_STAMP := node_modules/.package-lock.json
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint lock audit system-packages stack

run: $(STAMP)
	$(BIN)/flask --app coach coach setup
	$(BIN)/flask --app coach run --host 127.0.0.1 --port 5000

test: $(STAMP) system-packages $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/flask --app coach coach content check
	$(BIN)/pytest

# The production topology rehearsed on loopback: PostgreSQL, Redis, two gunicorn servers and two
# rq speech workers (deploy/stack.py, docs/deployment.md). Ctrl-C stops it.
stack: $(STAMP)
	$(BIN)/python deploy/stack.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Installs exactly the lock (hashes checked), then Coach itself from this checkout.
$(STAMP): pyproject.toml $(LOCK)
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

# Installs exactly package-lock.json (integrity checked) into node_modules/.
$(NODE_STAMP): package-lock.json
	@command -v npm >/dev/null || { echo "make test needs Node.js 20 with npm (for axe-core)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

# Re-pins $(LOCK) after a change to pyproject.toml's dependencies (pip-tools in its own venv).
lock:
	[ -x .lock-tools/bin/pip-compile ] || { $(PYTHON) -m venv .lock-tools && \
	  .lock-tools/bin/pip install --quiet 'pip-tools>=7.4,<8'; }
	.lock-tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links \
	  --extra dev -o $(LOCK) pyproject.toml

# Known vulnerabilities in the locked packages; needs a machine that reaches an advisory service
# (PyPI's JSON API or OSV). This machine's registries serve none.
audit:
	[ -x .lock-tools/bin/pip-audit ] || { $(PYTHON) -m venv .lock-tools && \
	  .lock-tools/bin/pip install --quiet 'pip-audit>=2.7,<3'; }
	.lock-tools/bin/pip-audit --require-hashes --disable-pip -r $(LOCK)

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
