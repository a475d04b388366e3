# Newsroom: `make run` to try it, `make test` to run the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

# Local development defaults; production sets these in its environment.
export DJANGO_DEBUG ?= true

.PHONY: run worker test screenshots test-next install install-dev lint format check-deploy clean

# The site and one task worker (related lists, renditions, bulk actions, view
# counts); Ctrl-C stops both.
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) run_worker --verbosity 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

# Only the task worker, e.g. a second one beside `make run`.
worker: install
	$(MANAGE) run_worker

# Deprecation warnings are errors: the code must run unchanged on the next Django.
test: install-dev
	$(BIN)/python -W error::DeprecationWarning -W error::PendingDeprecationWarning \
		manage.py test --noinput $(TESTS)

# The same suite on the next Django: the newest 6.x (requirements-next.txt), in
# .venv-next on Python 3.12 (Django 6 needs 3.12+), found through pyenv, or
# `make test-next PYTHON_NEXT=/path/to/python3.12`.
VENV_NEXT := .venv-next
PYTHON_NEXT ?= $(or $(lastword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.12*/bin/python3)),python3.12)

# The pictures in docs/editors.md, taken by the browser tests of the screens.
screenshots: install-dev
	NEWSROOM_SCREENSHOTS_DIR=docs/screenshots NEWSROOM_REQUIRE_BROWSER=1 \
		$(BIN)/python manage.py test --noinput --tag browser $(TESTS)

test-next: $(VENV_NEXT)/.installed node_modules/.installed
	$(VENV_NEXT)/bin/python -W error::DeprecationWarning -W error::PendingDeprecationWarning \
		manage.py test --noinput $(TESTS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Runs Django's deployment checks with production-like settings.
check-deploy: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=news.example.org REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" \
	$(MANAGE) check --deploy --fail-level WARNING

# Load test under gunicorn against the bare-Django limit (docs/performance.md):
# `make bench SIZES="1000 100000"`; BENCH_ARGS="--quick" for a smoke run,
# "--reuse" to keep bench databases that already hold the articles.
SIZES ?= 1000 100000
.PHONY: bench
bench: install
	$(BIN)/python bench/run.py --sizes "$(SIZES)" $(BENCH_ARGS)

# The two-server setup under load while Redis, PostgreSQL and an app server
# fail (docs/operations.md, "Load and fault test"); by hand, as root, not in
# CI. LOADTEST_ARGS="--duration 60 --connections 64 --articles 1000".
.PHONY: loadtest
loadtest: install
	$(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed node_modules/.installed

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Newsroom needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

# Django and its backport of django.tasks replaced by requirements-next.txt.
$(VENV_NEXT)/.installed: requirements.txt requirements-dev.txt requirements-next.txt
	@$(PYTHON_NEXT) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Django 6 needs Python 3.12 or newer; set PYTHON_NEXT=/path/to/python3.12")'
	$(PYTHON_NEXT) -m venv $(VENV_NEXT)
	$(VENV_NEXT)/bin/python -m pip install --quiet --upgrade pip
	grep -hivE '^(-r |django==|django-tasks==)' requirements.txt requirements-dev.txt \
		| cat - requirements-next.txt > $(VENV_NEXT)/requirements.txt
	$(VENV_NEXT)/bin/python -m pip install --quiet -r $(VENV_NEXT)/requirements.txt
	touch $@

# The HTML and accessibility validators the tests run; skipped without npm.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: HTML and accessibility checks will be skipped."; \
	fi

clean:
	rm -rf $(VENV) $(VENV_NEXT) node_modules staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
