# COSY: the two commands of the README, and the ones behind them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(VENV)/.deps-installed

.PHONY: run test lint bench eval models models-check clean browser demo-shots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall when the project's dependencies change. The train extra too: its pinned versions
# are the ones the models' bytes depend on, and a test rebuilds a small model twice.
$(DEPS): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,train,browser]'
	$(BIN)/python -m compileall -q cosy >/dev/null  # bytecode, as an installed package has it
	touch $@

## run: set up, process the sample documents on embedded defaults, print a summary, then serve
run: $(DEPS)
	$(BIN)/cosy run

## test: set up and run the whole suite (lint first)
test: $(DEPS) browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -p no:cacheprovider

## browser: Debian's chromium for the browser tests (tests/browser; Playwright comes with the
## browser extra). Without apt-get or root it says so, and those tests skip, saying so.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "make browser: installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	   >/dev/null) || echo "make browser: apt-get could not install chromium; browser tests will skip"; \
	else echo "make browser: no apt-get or not root: chromium not installed; browser tests will skip"; fi

## demo-shots: run the browser tests and keep their screenshots in docs/demo/ (docs/demo.md)
demo-shots: $(DEPS) browser
	COSY_SCREENSHOTS=docs/demo $(BIN)/python -m pytest tests/browser -q -p no:cacheprovider

lint: $(DEPS)
	$(BIN)/ruff check .

## bench: the benchmarks of benchmarks/ (not part of make test)
bench: $(DEPS)
	$(BIN)/python -m compileall -q cosy >/dev/null
	$(BIN)/python -m pytest benchmarks -q --benchmark-only

## eval: score every development set (real, real scanned, wild, generated held-out), each apart,
## and write the tables into docs/evaluation.md
eval: $(DEPS)
	$(BIN)/cosy eval --dev-sets --write docs/evaluation.md

## models: retrain every model and rewrite the registry and model cards (~15 min on 2 cores);
## refuses library versions other than the train extra's pins unless COSY_MODELS_ANY_VERSIONS=1
models: $(DEPS)
	$(BIN)/python -m models.recipes.build

## models-check: rebuild every model in a temporary directory and compare with the registry
## (exit 1 naming the files that differ); a full rebuild, for CI-like runs, not in make test
models-check: $(DEPS)
	$(BIN)/python -m models.recipes.check

clean:
	rm -rf $(VENV) .cosy samples .pytest_cache .ruff_cache
