# One command for each job; each sets itself up on a fresh machine.
#   make example   translate the example release into French, German and English
#   make test      run the test suite
# TORCH picks the torch build: the default is the CPU wheel these machines have on disk;
# elsewhere `make test TORCH=torch` takes whatever build suits the machine.

PYTHON ?= python3
VENV   ?= .venv
TORCH  ?= torch==2.13.0
BIN    := $(VENV)/bin

.PHONY: setup test example lint bench
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH)" -e '.[all,test]'
	touch $@

test: setup
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check mt tests benchmarks
	$(BIN)/ruff format --check mt tests benchmarks

example: setup
	$(BIN)/mt translate examples/release.nl.txt --to fr,de,en --out out/
