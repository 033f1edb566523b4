# The two set-up commands of the README. Each builds its own virtualenv on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# No telemetry, nothing waits on the network.
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := False

.PHONY: install test lint demo bench corpus clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

lint: install
	$(PY) -m ruff check .

test: install lint
	$(PY) -m pytest -q

demo: install
	$(VENV)/bin/budget-etl demo

bench: install
	$(PY) bench/extract.py

# Re-render the test corpus (needs CJK fonts and LibreOffice; see tests/fixtures/README.md).
corpus: install
	$(PY) -m tests.fixtures.generator

clean:
	rm -rf $(VENV) data .pytest_cache
