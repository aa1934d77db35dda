# Chorus: the two commands are `make run` and `make test`.
SHELL := /bin/bash
# The interpreter that creates .venv/: the newest of python3.13, 3.12, 3.11 or python3 that is at
# least 3.11 (override with PYTHON=/path/to/python3.x).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck format bench install messages clean

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Chorus needs Python 3.11, 3.12 or 3.13; none found on PATH (set PYTHON=/path/to/python3.x)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Chorus needs Python >= 3.11; $(PYTHON) is older."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@# setuptools tells every editable install to "be careful with folders named like the package"
	@# (a UserWarning of its own build backend): silenced for this one step only.
	PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

## Run the whole product on embedded defaults (or DATABASE_URL/REDIS_URL when set).
run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(PY) manage.py run_chorus --host $(HOST) --port $(PORT)

## Run the test suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set)
## and print the line coverage per file and in total (CI adds --cov-fail-under).
test: $(STAMP)
	$(PY) -m pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

## ruff, the format check, the migrations check and mypy (as `make typecheck`).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy

## mypy with the Django and DRF plugins (configuration in pyproject.toml).
typecheck: $(STAMP)
	$(VENV)/bin/mypy

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
