# `make` sets up .venv and builds the sample book; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed


.PHONY: all book setup system test bench clean

all: book

system:
	@bash tools/system-deps.sh

$(STAMP): requirements.txt
	@$(MAKE) --no-print-directory system
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)


setup: $(STAMP)

book: setup
	$(PY) build.py

test: setup
	@bash tools/system-deps.sh
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/bench.py
	$(PY) bench/bench.py --scaling

clean:
	rm -rf build .pytest_cache
