# Two commands matter: `make demo` and `make test`. Everything they need is installed into .venv, pinned.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME ?= data
DEMO_LANDING ?= $(DEMO_HOME)/landing

.PHONY: install demo demo-freshdesk demo-intercom browser test test-fast lint bench ui docs clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/supportkpi generate --out $(DEMO_LANDING) --days 90 --agents 12 --seed 7
	SUPPORT_KPI_HOME=$(DEMO_HOME) SUPPORT_KPI_LANDING=$(DEMO_LANDING) $(BIN)/supportkpi run

# The same simulated contact centre in other vendors' formats, each in a home of its own.
demo-freshdesk: $(STAMP)
	$(BIN)/supportkpi generate --out $(DEMO_HOME)/demo-freshdesk/landing --days 90 --agents 12 --seed 7 \
		--helpdesk freshdesk --surveys surveymonkey
	SUPPORT_KPI_HOME=$(DEMO_HOME)/demo-freshdesk SUPPORT_KPI_LANDING=$(DEMO_HOME)/demo-freshdesk/landing $(BIN)/supportkpi run

demo-intercom: $(STAMP)
	$(BIN)/supportkpi generate --out $(DEMO_HOME)/demo-intercom/landing --days 90 --agents 12 --seed 7 \
		--helpdesk intercom --surveys surveymonkey-api
	SUPPORT_KPI_HOME=$(DEMO_HOME)/demo-intercom SUPPORT_KPI_LANDING=$(DEMO_HOME)/demo-intercom/landing $(BIN)/supportkpi run

lint: $(STAMP)
	$(BIN)/ruff check orchestration demo_landing tests benchmarks

# The dashboard's browser test drives Debian's Chromium (never a browser download of Playwright's own): installed
# here where it is missing and apt-get can (as root); elsewhere the test skips and says why.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium (apt-get) for the dashboard's browser test"; \
		( apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium ) \
			|| echo "could not install chromium: the dashboard's browser test will skip"; \
	fi

# Two workers (the machine's two cores), each test module on one worker: a module's pipeline fixture runs once.
test: $(STAMP) lint browser
	$(BIN)/pytest -n 2 --dist loadfile --durations=25

# The edit-test loop: everything but the tests that run the whole pipeline.
test-fast: $(STAMP) lint
	$(BIN)/pytest -m "not pipeline" -q

# The benchmark (benchmarks/README.md): TIER=S (the demo), M or L; landings cached under $(DEMO_HOME)/bench/<tier>.
TIER ?= S
ENGINE ?= duckdb
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --tier $(TIER) --engine $(ENGINE) --data $(DEMO_HOME)

# dagster dev prepares the dbt project itself (DbtProject.prepare_if_dev), with the dbt found on PATH.
ui: $(STAMP)
	DAGSTER_HOME=$${DAGSTER_HOME:-$(abspath $(DEMO_HOME))/dagster} ; mkdir -p $$DAGSTER_HOME ; \
	PATH=$(abspath $(BIN)):$$PATH DAGSTER_HOME=$$DAGSTER_HOME SUPPORT_KPI_HOME=$(DEMO_HOME) $(BIN)/dagster dev -w workspace.yaml

# dbt docs of the project (no PII salt needed), written under the data folder, never into the checkout.
docs: $(STAMP)
	SUPPORT_KPI_HOME=$(abspath $(DEMO_HOME)) $(BIN)/dbt docs generate --project-dir dbt_project \
		--profiles-dir dbt_project --target-path $(abspath $(DEMO_HOME))/dbt/docs --log-path $(abspath $(DEMO_HOME))/dbt/docs
	@echo "dbt docs: $(abspath $(DEMO_HOME))/dbt/docs/index.html (serve with: $(BIN)/dbt docs serve --project-dir dbt_project --profiles-dir dbt_project --target-path $(abspath $(DEMO_HOME))/dbt/docs)"

clean:
	rm -rf $(VENV) $(DEMO_HOME) dbt_project/target dbt_project/logs
