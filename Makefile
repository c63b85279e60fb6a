# costlab: two commands on a fresh machine with Python 3.11+ and make.
#   make run    set up .venv and start the dashboard on http://localhost:$(PORT), on ./workspace
#   make test   set up .venv and run the linter, the type checker and every test
PYTHON ?= python3
PORT ?= 8501
WORKSPACE ?= workspace
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshots schemas clean

# (Re)install when the venv is missing or pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "costlab needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all,test]"
	@touch $(STAMP)

run: $(STAMP)
	@mkdir -p $(WORKSPACE) && for f in examples/*.yaml examples/usage.csv; do [ -e $(WORKSPACE)/$$(basename $$f) ] || cp $$f $(WORKSPACE)/; done
	COSTLAB_WORKSPACE=$(WORKSPACE) $(BIN)/streamlit run app.py --server.port $(PORT) --server.address localhost --server.headless true

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

schemas: $(STAMP)
	$(BIN)/python -m costlab.schemas

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
