# Newsroom: `make run` to try it, `make test` to run the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

# Local development defaults; production sets these in its environment.
export DJANGO_DEBUG ?= true

.PHONY: run test install install-dev lint format check-deploy clean

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

# Deprecation warnings are errors: the code must run unchanged on the next Django.
test: install-dev
	$(BIN)/python -W error::DeprecationWarning -W error::PendingDeprecationWarning \
		manage.py test --noinput $(TESTS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Runs Django's deployment checks with production-like settings.
check-deploy: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=news.example.org \
	$(MANAGE) check --deploy --fail-level WARNING

# Load test under gunicorn against the bare-Django limit (docs/performance.md):
# `make bench SIZES="1000 100000"`; BENCH_ARGS="--quick" for a smoke run,
# "--reuse" to keep bench databases that already hold the articles.
SIZES ?= 1000 100000
.PHONY: bench
bench: install
	$(BIN)/python bench/run.py --sizes "$(SIZES)" $(BENCH_ARGS)

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

# The HTML and accessibility validators the tests run; skipped without npm.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: HTML and accessibility checks will be skipped."; \
	fi

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
