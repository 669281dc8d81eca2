# statusgen: build the example site and run the checks.
#
#   make site    build the example site into site/ (runtime dependencies only)
#   make check   fast suite: ruff, mypy, pytest without browser/validator tests
#   make test    full suite: also installs the external tools (.ci/setup-tools)
#                and runs every test, browser and validator ones included
#   make clean   remove build outputs, caches, .venv and node_modules

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check

# Stamps inside the venv: redone when pyproject.toml changes (or the venv goes).
RUNTIME_STAMP := $(VENV)/.stamp-runtime
TEST_STAMP := $(VENV)/.stamp-test

.PHONY: help site test check lint clean docs

help:
	@echo "make site    build the example site into site/"
	@echo "make check   fast suite: ruff, mypy, pytest -m 'not browser and not validator'"
	@echo "make test    full suite: tools (.ci/setup-tools), ruff, mypy, all of pytest"
	@echo "make docs    regenerate docs/format.md's tables and docs/cli.md from the code"
	@echo "make clean   remove site/, caches, .venv and node_modules"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[test]'
	touch $@ $(RUNTIME_STAMP)

site: $(RUNTIME_STAMP)
	$(BIN)/statusgen build

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

check: lint
	$(BIN)/pytest -m "not browser and not validator"

test: $(TEST_STAMP)
	bash .ci/setup-tools
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

docs: $(TEST_STAMP)
	$(BIN)/python -c 'from generator.docs import update_format_doc, update_cli_doc; update_format_doc(); update_cli_doc()'

clean:
	rm -rf site/ .site.statusgen-*/ $(VENV)/ node_modules/ artifacts/ build/ \
		.cache/ .statusgen-cache/ .mypy_cache/ .ruff_cache/ .pytest_cache/ .hypothesis/ \
		*.egg-info/
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
