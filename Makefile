# statusgen: build the example site and run the checks.
#
#   make site    build the example site into site/ (runtime dependencies only)
#   make check   fast suite: ruff, mypy, pytest without browser, validator and slow tests
#   make test    full suite: also installs the external tools (.ci/setup-tools)
#                and runs every test, browser, validator and package ones included
#   make lock    regenerate constraints.txt (the exact versions every install uses) and
#                the runtime dependencies' lock with hashes that `statusgen init` writes
#   make dist    build the sdist and wheel into dist/ and check them with twine
#   make clean   remove build outputs, caches, .venv and node_modules

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules
# Python keeps its byte code even where the environment says not to: without it every
# `python -m statusgen` a test starts compiles the package again (0.41 s against 0.28 s
# to start) and every pytest worker rewrites every test module's asserts again (some
# 3 s each): `make check` took 61 s instead of 53 on two cores. __pycache__ is ignored.
unexport PYTHONDONTWRITEBYTECODE

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check

# Every install below takes its versions from constraints.txt: the runtime and
# test dependencies and the build backend, pinned exactly (`make lock` writes
# it). Through PIP_CONSTRAINT rather than -c, because pip applies the variable
# to the isolated environment it builds statusgen in as well. CONSTRAINTS=
# (empty) installs the newest releases instead, as CI's "newest releases" job
# does; use a venv of its own for that (VENV=.venv-newest), since pip does not
# downgrade a venv whose stamp is already there.
CONSTRAINTS ?= constraints.txt
export PIP_CONSTRAINT := $(if $(CONSTRAINTS),$(abspath $(CONSTRAINTS)))

# Stamps inside the venv: redone when pyproject.toml or the constraints change
# (or the venv goes).
RUNTIME_STAMP := $(VENV)/.stamp-runtime
TEST_STAMP := $(VENV)/.stamp-test

.PHONY: help site venv test check lint lock dist clean docs catalogues

help:
	@echo "make site    build the example site into site/ (statusgen is then .venv/bin/statusgen)"
	@echo "make check   fast suite: ruff, mypy, pytest -n auto -m 'not browser and not validator and not slow'"
	@echo "make test    full suite: tools (.ci/setup-tools), ruff, mypy, all of pytest on cores + 1 workers"
	@echo "make venv    only create .venv with statusgen and the test tools"
	@echo "make lock    regenerate constraints.txt and the runtime lock statusgen init writes:"
	@echo "             keeps the pins that still fit pyproject.toml;"
	@echo "             UPGRADE=1 takes the newest release of everything, PACKAGE=NAME of one"
	@echo "make dist    build the sdist and wheel into dist/ and run twine check on them"
	@echo "make docs    regenerate docs/format.md's tables, docs/themes.md's views and docs/cli.md from the code"
	@echo "make catalogues  merge the theme's and renderers' words into every language's .po and compile them"
	@echo "make clean   remove site/, dist/, caches, .venv and node_modules"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The venv's own installs go through uv (pinned in constraints.txt, as the lock's resolver
# is): a clean clone's test tools install in about 10 s instead of pip's 35. It reads the
# same constraints, for the build backend too (--build-constraint, as PIP_CONSTRAINT does
# for pip); CONSTRAINTS= gives it none, and so the newest releases.
UV_INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python \
	$(if $(CONSTRAINTS),-c $(CONSTRAINTS) --build-constraint $(CONSTRAINTS))

$(BIN)/uv: | $(BIN)/python
	$(PIP) install --quiet uv

$(RUNTIME_STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/uv
	$(UV_INSTALL) -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/uv
	$(UV_INSTALL) -e '.[test]'
	touch $@ $(RUNTIME_STAMP)

# The example's incidents tell of one morning: an incident still open, a maintenance
# to come. Built at that moment it shows them so on any date, and a first build warns
# of nothing (at the clock, the open incident would soon be "stale"). A repository of
# your own builds at the clock: `statusgen build`.
EXAMPLE_NOW := 2026-11-22T09:00:00Z

site: $(RUNTIME_STAMP)
	$(BIN)/statusgen build --now $(EXAMPLE_NOW)
	@echo "statusgen is $(BIN)/statusgen (or run '. $(BIN)/activate' to have it on PATH)"

venv: $(TEST_STAMP)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# On every core (pytest-xdist, --dist worksteal from pyproject.toml): the long tests are
# queued first (tests/conftest.py), so the workers finish together. One worker more than
# there are cores: a worker spends about a third of its time waiting on Chromium,
# subprocesses and the package index, and the extra one keeps the cores busy meanwhile.
# mypy (a cold cache on a clean clone: some ten seconds of one core) runs beside ruff and
# pytest, in those waits too; its output waits in a file and goes to stderr at the end, so
# pytest's summary stays the last line of stdout. Either failing fails the target.
BESIDE_MYPY = typed=$$(mktemp); trap 'rm -f "$$typed"' EXIT; \
	$(BIN)/mypy > "$$typed" 2>&1 & mypy=$$!; status=0; { $(1); } || status=$$?; \
	wait $$mypy || { status=1; echo "mypy found problems:" >&2; }; \
	cat "$$typed" >&2; exit $$status
WORKERS = $$(( $$(nproc) + 1 ))

# The fast suite, the one run after each edit.
check: $(TEST_STAMP)
	$(call BESIDE_MYPY,$(BIN)/ruff check . && $(BIN)/pytest -n $(WORKERS) -m "not browser and not validator and not slow")

# Everything, with the tools the browser and validator tests need.
test: $(TEST_STAMP)
	$(call BESIDE_MYPY,bash .ci/setup-tools && $(BIN)/ruff check . && $(BIN)/pytest -n $(WORKERS))

# The resolver is uv, pinned in constraints.txt like everything else (it is
# given on stdin, besides pyproject.toml): it resolves for every platform and
# Python 3.11+ at once (--universal). Then the runtime dependencies alone, at the
# versions just locked, with the hash of every file of each: statusgen carries
# that lock, to write it into a status repository's requirements.txt (`pip install
# --require-hashes`) without the network.
lock: | $(BIN)/python
	$(PIP) install --quiet uv
	echo uv | $(BIN)/uv pip compile --quiet --universal --python-version 3.11 \
		--extra test --custom-compile-command 'make lock' \
		$(if $(UPGRADE),--upgrade) $(if $(PACKAGE),--upgrade-package '$(PACKAGE)') \
		--output-file constraints.txt pyproject.toml -
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
		--no-annotate --custom-compile-command 'make lock' --constraint constraints.txt \
		--output-file generator/wrapper/runtime-requirements.txt pyproject.toml

dist: $(TEST_STAMP)
	rm -rf dist/
	$(BIN)/python -m build --outdir dist/ .
	$(BIN)/twine check --strict dist/*

docs: $(TEST_STAMP)
	$(BIN)/python -c 'from statusgen.docs import update_format_doc, update_cli_doc, update_themes_doc; update_format_doc(); update_cli_doc(); update_themes_doc()'

catalogues: $(TEST_STAMP)
	$(BIN)/python -m statusgen.render.catalogues update
	$(BIN)/python -m statusgen.render.catalogues check

clean:
	rm -rf site/ .site.statusgen/ .site.statusgen-*/ $(VENV)/ node_modules/ artifacts/ build/ dist/ \
		.cache/ .statusgen-cache/ .mypy_cache/ .ruff_cache/ .pytest_cache/ .hypothesis/ \
		*.egg-info/
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
