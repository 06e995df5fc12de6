# Two commands matter: `make demo` and `make test`. Everything they need is installed into .venv, pinned.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME ?= data
DEMO_LANDING ?= $(DEMO_HOME)/landing

.PHONY: install demo test lint ui clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/supportkpi generate --out $(DEMO_LANDING) --days 90 --agents 12 --seed 7
	SUPPORT_KPI_HOME=$(DEMO_HOME) SUPPORT_KPI_LANDING=$(DEMO_LANDING) $(BIN)/supportkpi run

lint: $(STAMP)
	$(BIN)/ruff check orchestration tests

test: $(STAMP) lint
	$(BIN)/pytest

ui: $(STAMP)
	DAGSTER_HOME=$${DAGSTER_HOME:-$(abspath $(DEMO_HOME))/dagster} ; mkdir -p $$DAGSTER_HOME ; \
	DAGSTER_HOME=$$DAGSTER_HOME SUPPORT_KPI_HOME=$(DEMO_HOME) $(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf $(VENV) $(DEMO_HOME) dbt_project/target dbt_project/logs
