# Park Portal — `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APT_PACKAGES := fonts-noto-cjk chromium wrk poppler-utils gettext nginx
PORT ?= 8000

.PHONY: run test bench install services system-packages migrate demo messages lint stop clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) system-packages

# Debian packages the project needs (CJK font for PDFs, chromium for browser tests, wrk for
# benchmarks, nginx for the benchmark's floor and the routing config's check, poppler for PDF
# checks). Installed only when missing and we are root.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null || \
	      (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null); \
	  else echo "note: missing Debian packages:$$missing (install them as root for PDFs/browser tests)"; fi; \
	fi

services: $(STAMP)
	$(PY) -m park_portal.devservices up

migrate: services
	$(PY) manage.py bootstrap

# The .po catalogue is the one source of translations; the .mo is compiled from it with polib
# (manage.py compilemessages is ours: no gettext needed on the machine).
messages: $(STAMP)
	$(PY) manage.py compilemessages -v 0

demo: services messages
	$(PY) manage.py bootstrap --demo

run: install demo
	$(PY) -m park_portal.devserver --port $(PORT)

test: install services messages
	$(PY) -m pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: install services messages
	$(PY) tests/perf/run_all.py $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

stop:
	$(PY) -m park_portal.devservices down

clean: stop
	rm -rf var
