# The project's vocabulary: make run, make test, make lint, make format.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run serve worker bench bench-announce load test test-deployment lint security format migrate seed superuser clean check-python

help:
	@echo "make run        set up everything and serve the site on http://$(HOST):$(PORT) (DEBUG on)"
	@echo "make serve      the production stack locally: DEBUG off, collectstatic, gunicorn, worker"
	@echo "make worker     the background worker that sends email (run and serve start one)"
	@echo "make bench      the pages' throughput as a ratio to a static file's, on a large data set"
	@echo "make bench-announce  announcing to 1,000 and 10,000 subscribers: emails/s, peak memory"
	@echo "make load       60 s of load on every page while inquiries and applications are sent"
	@echo "make test       run the test suite"
	@echo "make test-deployment  nginx, two gunicorns, PostgreSQL, Redis, an S3 bucket (docs/deploy.md)"
	@echo "make lint       ruff, the template linter and the missing-migration check"
	@echo "make security   bandit and pip-audit"
	@echo "make format     format Python and templates"
	@echo "make superuser  create an admin login"
	@echo "make clean      remove the virtualenv and the local database"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { \
		echo "This project needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
		echo "Install it with 'pyenv install 3.12' (the repo's .python-version then selects it)"; \
		echo "or 'uv python install 3.12', or run: make PYTHON=/path/to/python3.12 ..."; \
		exit 1; }

$(BIN)/activate: requirements.txt requirements-dev.txt
	@$(MAKE) --no-print-directory check-python
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

venv: $(BIN)/activate

migrate: venv
	DEBUG=1 $(MANAGE) migrate --no-input

seed: migrate
	DEBUG=1 $(MANAGE) load_seed_content
	DEBUG=1 $(MANAGE) setup_groups

# The worker runs beside the server and stops with it; without EMAIL_HOST it prints
# each email it sends.
run: seed
	@DEBUG=1 $(MANAGE) worker & trap "kill $$! 2>/dev/null" EXIT INT TERM; \
		DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

worker: migrate
	DEBUG=1 $(MANAGE) worker

# Production settings over plain http on loopback: HTTPS redirects and secure cookies off.
SERVE_ENV := DEBUG=0 SECRET_KEY=$${SECRET_KEY:-local-serve-only-not-secret} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} SECURE_SSL_REDIRECT=0 \
	SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0

serve: venv
	$(SERVE_ENV) $(MANAGE) migrate --no-input
	$(SERVE_ENV) $(MANAGE) load_seed_content
	$(SERVE_ENV) $(MANAGE) setup_groups
	$(SERVE_ENV) $(MANAGE) collectstatic --no-input --verbosity 0
	@$(SERVE_ENV) $(MANAGE) worker & trap "kill $$! 2>/dev/null" EXIT INT TERM; \
		$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py cosn_global.wsgi

# Both need PostgreSQL, Redis and wrk (installed here from Debian when missing and root);
# options in bench/README.md, e.g. make bench BENCH_ARGS="--duration 5 --without all".
bench: venv
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) || true
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Drops and recreates cosn_global_bench_announce; e.g. ANNOUNCE_ARGS="--subscribers 10000".
bench-announce: venv
	$(BIN)/python -m bench.announce $(ANNOUNCE_ARGS)

# Drops and recreates the database cosn_global_load; e.g. make load LOAD_ARGS="--duration 10".
load: venv
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) || true
	$(BIN)/python -m bench.load $(LOAD_ARGS)

superuser: migrate
	DEBUG=1 $(MANAGE) createsuperuser

test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

# The deployment of docs/deploy.md, started for real: needs nginx, PostgreSQL and Redis
# on 127.0.0.1 (DEPLOYMENT_POSTGRES_URL, DEPLOYMENT_REDIS_URL to change them).
test-deployment: venv
	$(BIN)/pytest -m deployment tests/test_deployment.py $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

# Static analysis (bandit; each accepted finding is marked "nosec" with its reason beside
# it) and known vulnerabilities in the pinned requirements (pip-audit asks PyPI).
security: venv
	$(BIN)/bandit -q -r core pagecache mail delegations symposium cosn_global -x "*/tests/*,*/migrations/*"
	$(BIN)/pip-audit -r requirements.txt --progress-spinner off

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
