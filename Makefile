# make demo: set up and run the whole pipeline on the bundled example.
# make test: set up and run lint, types and tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
APT_PACKAGES := git prometheus prometheus-alertmanager chromium poppler-utils \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core

.PHONY: demo test lint pytest bench bench-check sysdeps docs clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[all,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/hotwash demo --out build/demo

# System packages the tests use (real Prometheus, Alertmanager, Chromium, PDF libraries).
# Installed only when missing and when we may (root with apt-get); otherwise the tests
# that need them are skipped outside CI and fail inside it.
sysdeps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "missing system packages (tests needing them will be skipped):$$missing"; fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

pytest: $(STAMP) sysdeps
	$(BIN)/python -m pytest -n 2 -q

test: lint pytest

docs: $(STAMP)
	$(BIN)/python -m hotwash.docs

# The ingest benchmark on a generated gigabyte (kept in BENCH_DIR and reused next time).
BENCH_SIZE ?= 1GB
BENCH_DIR ?= /tmp/hotwash-bench-$(BENCH_SIZE)
bench: $(STAMP)
	$(BIN)/python bench/ingest.py --size $(BENCH_SIZE) --keep $(BENCH_DIR)

bench-check: $(STAMP)
	$(BIN)/python bench/check_many.py

clean:
	rm -rf build hotwash-demo .pytest_cache .mypy_cache .ruff_cache
