# PPID Terpadu: the two commands (`make run`, `make test`) and their helpers.
# Every target is safe to re-run: dependencies are reinstalled only when a requirements file
# changed (stamp files inside .venv), migrate/collectstatic/load_demo are idempotent.

# Python 3.11 (DESIGN.md: Django 5.2 LTS on 3.11); override with `make PYTHON=/path/to/python3.11`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS='-m "not browser" -x'`.
PYTEST_ARGS ?=

.PHONY: run test pytest lint check-deploy deps deps-test static demo migrate clean help

help:
	@echo "make run           set up everything and serve http://127.0.0.1:8000 (Ctrl-C stops)"
	@echo "make test          lint, then the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint          ruff check + no missing migrations"
	@echo "make check-deploy  manage.py check --deploy with a production-like environment"
	@echo "make clean         remove the virtualenv, collected static files and caches (keeps var/)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "Python 3.11 is needed (found $(PYTHON)); try: make PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: pip runs again only when the requirements it installed from are newer than the stamp.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/base.txt
	@touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.installed-base
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/test.txt
	@touch $@

deps: $(VENV)/.installed-base
deps-test: $(VENV)/.installed-test

migrate: deps
	$(MANAGE) migrate --noinput -v 0

static: deps
	$(MANAGE) collectstatic --noinput -v 0

# Loads the Kalteng demo data once; on later runs it only says where the admin password is.
demo: migrate
	$(MANAGE) load_demo

run: migrate static demo
	@scripts/run.sh

lint: deps-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run -v 1

test: lint pytest

# The suite without lint (CI runs lint once, then this on each database side by side).
# pytest's exit code 5 means it collected no test: a failure, said plainly.
pytest: deps-test
	@echo "$(BIN)/pytest $(PYTEST_ARGS)"; status=0; $(BIN)/pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status = 5 ]; then echo "pytest collected no tests: that is a failure" >&2; fi; \
	exit $$status

# Production-like environment: nothing here is used outside this check. A throwaway secret key
# is generated per run (never a fixed one); the database and storage are not contacted.
check-deploy: deps
	@DEBUG=false \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	PPID_REQUIRE_SECRET_KEY=true \
	ALLOWED_HOSTS=ppid.example.go.id \
	CSRF_TRUSTED_ORIGINS=https://ppid.example.go.id \
	SITE_URL=https://ppid.example.go.id \
	DATABASE_URL=postgres://ppid@db.example.internal:5432/ppid \
	BEHIND_PROXY=true PROXY_COUNT=1 \
	SECURE_SSL_REDIRECT=true SESSION_COOKIE_SECURE=true CSRF_COOKIE_SECURE=true \
	SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=true SECURE_HSTS_PRELOAD=true \
	$(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
