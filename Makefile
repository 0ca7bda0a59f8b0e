# LearnHub's everyday commands. Needs only Python 3.11: everything else is installed into .venv.
#
#   make run    set up, migrate, load the demo data, then serve with a Celery worker and beat
#   make test   run the test suite (services that are not installed are skipped, with a reason)
#   make lint   ruff (lint and format check), mypy and the import contracts
#   make soak   two web nodes, two workers and beat under load and faults (minutes; not in make test)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The product's packages: `make lint` holds them to mypy --strict (tests, bench and soak to mypy's
# settings in pyproject.toml).
PRODUCT := learnhub accounts partnerships notifications grants consent pulse rhythm evidence demo
# pytest-xdist spreads the tests over every core; PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
# An idle worker takes tests queued for a busy one, so a few long browser tests at the end
# do not leave one core waiting.
PYTEST_DIST ?= --dist worksteal
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-x tests/infra"`.
PYTEST_ARGS ?=

.PHONY: help install run migrate seed test lint format lock soak messages

help:
	@echo "make run     serve LearnHub at http://127.0.0.1:$(PORT)/ with demo data, a worker and beat"
	@echo "make test    run the tests on every core (PYTEST_WORKERS=0 for one process; PYTEST_ARGS=...)"
	@echo "make lint    ruff check, ruff format --check, mypy (--strict on the product) and lint-imports"
	@echo "make format  fix what ruff can fix and format the code"
	@echo "make lock    pin the newest allowed versions of every package in constraints.txt"
	@echo "make soak    load and faults across two web nodes, two workers and beat (SOAK_SECONDS=180)"
	@echo "make messages  compile LearnHub's wording of allauth's words (locale/, needs msgfmt)"

# The virtualenv is (re)built when pyproject.toml or constraints.txt changes; constraints.txt
# holds the exact versions (make lock refreshes it).
$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
		echo "LearnHub needs Python 3.11; '$(PYTHON)' is not it. Use: make PYTHON=/path/to/python3.11 ..." >&2; \
		exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--constraint constraints.txt --editable '.[dev]'
	@touch $@

# Newest versions pyproject.toml allows, installed into a throwaway virtualenv and written to
# constraints.txt. Run the tests after, and commit both.
lock:
	rm -rf var/lock-venv
	$(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]'
	{ grep '^#' constraints.txt; \
	  var/lock-venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check; \
	} > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf var/lock-venv

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Links in the emails the worker prints point at the port being served.
run: export LEARNHUB_SITE_URL ?= http://127.0.0.1:$(PORT)
# honcho runs the three processes of Procfile.dev; Ctrl-C stops them all.
run: seed
	@echo "Starting LearnHub at http://127.0.0.1:$(PORT)/ with a Celery worker and beat."
	@echo "Press Ctrl-C to stop everything."
	PATH="$(abspath $(BIN)):$$PATH" WEB_PORT=$(PORT) exec $(BIN)/honcho --procfile Procfile.dev start

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_DIST) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/mypy --strict $(PRODUCT)
	$(BIN)/lint-imports

# LearnHub's wording of allauth's words: compile locale/*/LC_MESSAGES/django.po (needs
# GNU gettext's msgfmt); the .mo is committed so `make run` needs no gettext.
messages:
	msgfmt --check -o locale/en_GB/LC_MESSAGES/django.mo locale/en_GB/LC_MESSAGES/django.po

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The soak test (README, "Soak test"): its own redis-server and PostgreSQL database
# (learnhub_soak on 127.0.0.1:5432, dropped and made again), two gunicorn nodes behind
# HAProxy, two Celery workers and beat, driven for SOAK_SECONDS (180) while faults are
# injected; exits non-zero when a check fails. Not part of `make test`.
soak: install
	soak/install-tools.sh
	$(BIN)/python -m soak
