# One command for each job; each sets itself up on a fresh machine.
#   make example   translate the example release into French, German and English
#   make test      run the test suite (compiled modules, then the same checks as pure Python)
#   make build     compile the modules setup.py names again after an edit (make test does it)
# TORCH picks the torch build: the default is the CPU wheel these machines have on disk;
# elsewhere `make test TORCH=torch` takes whatever build suits the machine.

PYTHON ?= python3
VENV   ?= .venv
TORCH  ?= torch==2.13.0
BIN    := $(VENV)/bin

.PHONY: setup build test example lint bench
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH)" -e '.[all,test]'
	touch $@

# Only what changed is compiled again (a second or two when nothing did).
build: setup
	$(BIN)/python setup.py --quiet build_ext --inplace

# The compiled modules are built from the Python files: the second run holds the Python files to
# the same tests as the first, where the compiled code runs (see mt/__init__.py).
test: build
	$(BIN)/python -m pytest
	MT_PURE_PYTHON=1 $(BIN)/python -m pytest -q $(PURE_TESTS)

PURE_TESTS := tests/test_check.py tests/test_check_cli.py tests/test_matching.py \
	tests/test_numbers.py tests/test_glossary.py

lint: setup
	$(BIN)/ruff check mt tests benchmarks setup.py
	$(BIN)/ruff format --check mt tests benchmarks setup.py

example: build
	$(BIN)/mt translate examples/release.nl.txt --to fr,de,en --out out/
