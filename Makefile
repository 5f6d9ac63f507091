# One command for each job; each sets itself up on a fresh machine.
#   make example   translate the example release into French, German and English
#   make test      run the test suite
# TORCH picks the torch build: the default is the CPU wheel these machines have on disk;
# elsewhere `make test TORCH=torch` takes whatever build suits the machine.

PYTHON ?= python3
VENV   ?= .venv
TORCH  ?= torch==2.13.0
BIN    := $(VENV)/bin

.PHONY: setup test example lint bench browser
setup: $(VENV)/.installed browser

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH)" -e '.[all,test]'
	touch $@

# mt serve's page is tested in the distribution's Chromium (playwright's own browser download
# cannot work here): installed once where it is missing and apt-get can (CI runs as root);
# nothing to do when it is there.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "make: installing chromium (apt-get) for the page's browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "make: no $(CHROMIUM) and no apt-get as root: the page's browser test will be skipped"; \
	  fi; }

test: setup
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check mt tests benchmarks
	$(BIN)/ruff format --check mt tests benchmarks

example: setup
	$(BIN)/mt translate examples/release.nl.txt --to fr,de,en --out out/
