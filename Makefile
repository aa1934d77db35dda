# Chorus: the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench install messages clean

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Chorus needs Python 3.11 ($(PYTHON) not found; set PYTHON=/path/to/python3.11)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

## Run the whole product on embedded defaults (or DATABASE_URL/REDIS_URL when set).
run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(PY) manage.py run_chorus --host $(HOST) --port $(PORT)

## Run the test suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set).
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Benchmarks: seeds a large tenant on PostgreSQL and prints a table of figures.
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

## Recompile the translation catalogs after editing locale/*/LC_MESSAGES/django.po.
messages: $(STAMP)
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf var/celery var/test-media
