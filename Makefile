# The two set-up commands of the README. Each builds its own virtualenv on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# No telemetry, nothing waits on the network.
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := False

.PHONY: install test lint demo bench corpus corpus-deps clean browser

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dev,ocr]"
	touch $@

install: $(VENV)/.installed

lint: install
	$(PY) -m ruff check .

# Debian's chromium (and a CJK font, so screenshots show the documents' names) for the browser checks;
# Playwright drives it — never `playwright install`, which downloads a browser build. Installed when
# running as root and missing; otherwise the browser checks skip loudly.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei; \
	else echo "WARNING: no chromium and not root: the browser checks will be SKIPPED"; fi

test: install lint browser
	$(PY) -m pytest -q

# The demo processes its documents in parallel on every core (Prefect's process-pool task runner,
# README "Throughput"); BUDGET_ETL_RUNNER=sequential make demo runs them one by one.
demo: install
	BUDGET_ETL_RUNNER=$${BUDGET_ETL_RUNNER:-processes} $(VENV)/bin/budget-etl demo

bench: install
	$(PY) bench/extract.py

# Re-render the test corpus with the fonts and LibreOffice it was rendered with (see
# tests/fixtures/README.md). `make test` needs none of this: the suite reads the committed PDFs and
# draws its own small PDFs in reportlab's built-in CID fonts. corpus-deps installs the Debian
# packages with apt-get when missing (root; what a fresh machine of this kind lacks).
CORPUS_APT := fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai libreoffice-writer-nogui
corpus-deps:
	@dpkg-query -W $(CORPUS_APT) >/dev/null 2>&1 || { \
	  echo "make corpus: installing $(CORPUS_APT) (apt-get, needs root)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(CORPUS_APT); }

corpus: install corpus-deps
	$(PY) -m tests.fixtures.generator

clean:
	rm -rf $(VENV) data .pytest_cache
