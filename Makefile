# OrderHub: `make run` serves the API with a demo shop; `make test` runs the suite on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ORDERS ?= 2000

.PHONY: run test bench lint typecheck check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/orderhub init
	$(BIN)/orderhub demo --if-empty --orders $(ORDERS)
	$(BIN)/orderhub serve

test: $(VENV)/.dev-installed lint typecheck
	scripts/system-deps.sh
	ORDERHUB_REQUIRE_PG=1 scripts/with-postgres.sh $(BIN)/pytest -q $(PYTEST_ARGS)

# The double11 scenario on SQLite and a throwaway PostgreSQL: BENCH_ARGS="--orders 1000000 --runs 1".
bench: $(VENV)/.dev-installed
	scripts/system-deps.sh
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.double11 $(BENCH_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) orderhub.db orderhub.db-wal orderhub.db-shm .pytest_cache .mypy_cache .ruff_cache
