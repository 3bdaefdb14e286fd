PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install serve api-check

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q ".[dev]"
	touch $(STAMP)

# The compiled translations; rebuilt whenever the Russian .po changes.
MO := locale/ru/LC_MESSAGES/django.mo
$(MO): locale/ru/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

install: $(STAMP) $(MO)

## Run the back office with demo data on http://127.0.0.1:8000 (web server + q2 cluster; Ctrl-C stops both).
demo: $(STAMP) $(MO)
	bash scripts/demo.sh

## Production-like: migrations, schedules, the q2 cluster and gunicorn against DATABASE_URL (see README).
serve: $(STAMP) $(MO)
	bash scripts/serve.sh

## The whole test suite (on PostgreSQL when it can get one; see scripts/test.sh).
test: $(STAMP) $(MO)
	bash scripts/test.sh $(ARGS)

## Style, types (mypy with django-stubs, settings in pyproject.toml) and no model change without its migration
## (checked against an in-memory database: no db.sqlite3 appears, no server is needed).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run

## The storefront API against its OpenAPI document: schemathesis on a running desk (throwaway SQLite database).
api-check: $(STAMP) $(MO)
	bash scripts/api-check.sh $(ARGS)

## Figures for the hot paths at many orders, on a throwaway database (PostgreSQL when installed).
bench: $(STAMP) $(MO)
	bash scripts/bench.sh $(ARGS)
