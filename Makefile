PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Run the back office with demo data on http://127.0.0.1:8000 (web server + q2 cluster; Ctrl-C stops both).
demo: $(STAMP)
	bash scripts/demo.sh

## The whole test suite (on PostgreSQL when it can get one; see scripts/test.sh).
test: $(STAMP)
	bash scripts/test.sh $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Figures for the hot paths at many orders, on a throwaway database (PostgreSQL when installed).
bench: $(STAMP)
	bash scripts/bench.sh $(ARGS)
