# The two set-up commands of the README. Each builds its own virtualenv on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# No telemetry, nothing waits on the network.
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := False

.PHONY: install test lint demo bench corpus corpus-deps clean browser system-deps

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dev,ocr]"
	touch $@

install: $(VENV)/.installed

lint: install
	$(PY) -m ruff check .

# What the suite needs from Debian, installed by `make test` itself when missing (root + apt, as on
# every machine of this kind): Debian's chromium for the browser checks (Playwright drives it —
# never `playwright install`, which downloads a browser build) and the CJK fonts the corpus
# generator measures text with (the Office-original tests build their .docx/.xlsx from the same
# layout model), and a headless LibreOffice (Calc, Writer) that turns those into the real .xls/.doc
# the legacy-format tests read. Without root the tests that need them skip loudly (and fail under CI).
TEST_APT := chromium fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai \
            libreoffice-calc-nogui libreoffice-writer-nogui
system-deps:
	@missing="$$(for p in $(TEST_APT); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "make: installing $$missing (apt-get)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else echo "WARNING: missing $$missing and not root: the tests that need them will be SKIPPED"; fi

browser: system-deps

# The suite runs on TEST_WORKERS processes (pytest-xdist), one test file at a time per worker, so
# a file's module-scoped servers and harness stay in one process; TEST_WORKERS=0 runs it serially.
TEST_WORKERS ?= 2
test: install lint system-deps
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# The demo processes its documents in parallel on every core (Prefect's process-pool task runner,
# README "Throughput"); BUDGET_ETL_RUNNER=sequential make demo runs them one by one.
demo: install
	BUDGET_ETL_RUNNER=$${BUDGET_ETL_RUNNER:-processes} $(VENV)/bin/budget-etl demo

bench: install
	$(PY) bench/extract.py

# Re-render the test corpus with the fonts and LibreOffice it was rendered with (see
# tests/fixtures/README.md). The suite reads the committed PDFs and draws its own small PDFs in
# reportlab's built-in CID fonts; re-rendering the corpus also needs LibreOffice Writer. corpus-deps
# installs the Debian packages with apt-get when missing (root; what a fresh machine of this kind lacks).
CORPUS_APT := fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai libreoffice-writer-nogui
corpus-deps:
	@dpkg-query -W $(CORPUS_APT) >/dev/null 2>&1 || { \
	  echo "make corpus: installing $(CORPUS_APT) (apt-get, needs root)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(CORPUS_APT); }

corpus: install corpus-deps
	$(PY) -m tests.fixtures.generator

clean:
	rm -rf $(VENV) data .pytest_cache
