# Storefront AI. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
LOCAL_PG_DIR := .local/pgdata
LOCAL_PG_PORT ?= 54320
export LOCAL_PG_PORT

# When DATABASE_URL is unset, targets that need a database start the private cluster first.
DB_STEP = $(if $(DATABASE_URL),@echo "==> Using DATABASE_URL",@scripts/pg.sh start $(LOCAL_PG_DIR) $(LOCAL_PG_PORT))

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

run: ## Set up everything (venv, database, demo store, staff login) and serve on http://127.0.0.1:8000 (PORT overrides)
	@scripts/run.sh

test: setup-dev ## Run the whole test suite on a throwaway PostgreSQL cluster (installs Chromium with apt if missing)
	@scripts/system-deps.sh
	@scripts/test.sh $(PYTEST_ARGS)

setup: $(VENV)/.installed ## Create the virtualenv and install pinned requirements

setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || { echo "==> Creating virtualenv in $(VENV)"; $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV); }
	@echo "==> Installing requirements (first time: a few minutes)"
	@$(PY) -m pip install --progress-bar on -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	@$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

db: ## Start the private PostgreSQL cluster (unless DATABASE_URL is set) and migrate
	$(DB_STEP)
	@$(PY) manage.py migrate --noinput

demo: setup db ## Load the demo store if the database has no products (SCALE=small|medium|large)
	@$(PY) manage.py load_demo_store --if-empty --scale $${SCALE:-small}

serve: setup db ## Serve the site with gunicorn (production-like; needs SECRET_KEY unless DEBUG=true)
	@$(PY) manage.py collectstatic --noinput -v0
	@$(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

audit: setup ## Check the installed requirements against PyPI's vulnerability data (pip-audit; needs pypi.org)
	@$(PY) -m pip install -q pip-audit==2.10.1
	@$(VENV)/bin/pip-audit --strict --progress-spinner off

backup: setup ## Back up the database, model artifacts and media into backups/<time>/ (BACKUP_DIR overrides)
	$(DB_STEP)
	@scripts/backup.sh

restore: setup ## Restore a backup made by `make backup`: make restore BACKUP=backups/<time>
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/<time>"; exit 2; }
	$(DB_STEP)
	@scripts/restore.sh "$(BACKUP)"

worker: setup ## Start a Celery worker (QUEUES=gpu for a GPU machine; default: both queues)
	@$(VENV)/bin/celery -A config worker -l info -Q $${QUEUES:-default,gpu}

lint: setup-dev ## ruff check and format check, and the apps' layers (import-linter)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache

format: setup-dev ## Apply ruff fixes and formatting
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

bench: setup-dev ## Page benchmark: 50k products, wrk at 32 connections against gunicorn (see bench/README.md)
	@bench/pages.sh

bench-recs: setup-dev ## Recommender: full retrain vs bare implicit and API p99 on the large demo store
	@bench/recs.sh

bench-ml: setup-dev ## Model benchmarks on ../shared/datasets: MovieLens, SST-2, UCI, Bitext, avocado, pricing simulator
	@nice -n 10 $(PY) bench/movielens.py
	@nice -n 10 $(PY) bench/sentiment_sst2.py
	@nice -n 10 $(PY) bench/sentiment_uci.py
	@nice -n 10 $(PY) bench/support_bitext.py
	@nice -n 10 $(PY) bench/pricing_avocado.py
	@nice -n 10 $(PY) bench/pricing_simulate.py

bench-load: setup-dev ## Load: a shopper mix against gunicorn for 60 s while a model trains (bench/load.py)
	@bench/load.sh

bench-fuzz: setup-dev ## API fuzzing: schemathesis with EXAMPLES per operation (default 200)
	@bench/api_fuzz.sh

bench-dashboard: setup-dev ## Back office: the admin dashboard cold and cached, and every report, on the 50k store
	@bench/dashboard.sh

db-stop: ## Stop the private PostgreSQL cluster
	@scripts/pg.sh stop $(LOCAL_PG_DIR)

.PHONY: help run test setup setup-dev db demo serve audit backup restore worker lint format bench bench-recs bench-ml bench-load bench-fuzz bench-dashboard db-stop
