# The two commands a newcomer needs: `make run` and `make test`.
# The distribution's Python 3.11 where the machine has one: Debian's is built with PGO and
# LTO, and serves a tag request with 5-10% less CPU than a plain source build of 3.11 (such
# as pyenv's default) on PATH (bench/side_by_side.py --compare-python), when it can make
# a virtual environment (Debian's python3.11-venv). Else the first python3.11 or python3
# on PATH.
DISTRIBUTION_PYTHON := $(shell /usr/bin/python3.11 -c 'import ensurepip' 2>/dev/null && echo /usr/bin/python3.11)
PYTHON ?= $(firstword $(DISTRIBUTION_PYTHON) $(shell command -v python3.11 || command -v python3))
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install install-dev run test lint bench clean

# Running the app needs only the package's own dependencies; the test tools (pandas,
# scikit-learn's checks, playwright, ...) are the `dev` extra, installed by `make test`.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Install, migrate, load the seeds, create demo accounts and serve on 127.0.0.1:8000.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seeds
	$(BIN)/python manage.py create_demo_accounts
	@# The background worker (large bulk imports, filing stories), stopped with the server.
	$(BIN)/python manage.py db_worker --queue-name '*' --no-reload & trap 'kill $$!' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Install and run the whole test suite (DATABASE_URL picks the database; default SQLite).
test: install-dev
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
