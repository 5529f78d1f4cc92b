# Two commands on a fresh machine: `make report` and `make test` (see README.md).
#
#   make report   create .venv from requirements.lock, register the Jupyter kernel, write the sample round report
#   make test     + install the system tools the tests need (Debian chromium, poppler-utils), run pytest
#                 (with doctests), build the docs with warnings as errors, then clone the repo into a
#                 temporary folder and run the README's two commands there
#   make docs     API reference and cookbook -> docs/_build/html/index.html
#   make lab      JupyterLab on notebooks/ with the kit's kernel
#   make bench    the benchmarks (installs the peers they compare against)
#   make lock     rewrite requirements*.lock from the versions installed in .venv (after a green suite)
#
# PYTHON=/path/to/python3.x overrides the search for a Python 3.11-3.13.

SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK  := requirements.lock
SUPPORTED_PYTHONS := 3.11 3.12 3.13

# The first of python3.11, python3.12, python3.13, python3 on PATH whose version is 3.11-3.13.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in $(addprefix python,$(SUPPORTED_PYTHONS)) python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
	2>/dev/null && { command -v $$p; break; }; done)
endif

# Debian packages the tests need, as command=package.
SYSTEM_TOOLS := chromium=chromium pdftoppm=poppler-utils

.PHONY: setup report test pytest docs lab bench lock system-deps fresh-clone-check clean

# -- the virtual environment -------------------------------------------------------------

$(STAMP): pyproject.toml $(LOCK)
	@if [ -z "$(PYTHON)" ]; then \
	  echo "make: no Python 3.11-3.13 found on PATH (looked for python3.11, python3.12, python3.13, python3)."; \
	  echo "      Install one (Debian/Ubuntu: sudo apt-get install python3 python3-venv) or name it: make PYTHON=/path/to/python3.12 ..."; \
	  exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' || { \
	  echo "make: $(PYTHON) is $$($(PYTHON) -V 2>&1); the kit needs Python 3.11-3.13."; exit 1; }
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null; then \
	  echo "make: $(VENV) has an unsupported or broken Python; making it anew"; rm -rf $(VENV); fi
	@test -x $(PY) || { echo "make: creating $(VENV) with $$($(PYTHON) -V 2>&1) ($(PYTHON))"; $(PYTHON) -m venv $(VENV); }
	@echo "make: installing the exact versions in $(LOCK) into $(VENV) (a first install downloads ~140 packages)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(LOCK)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@kernel=$$($(PY) -c 'from evaluation.reports.protocol import KERNEL_NAME; print(KERNEL_NAME)' 2>/dev/null || echo dmkit); \
	  echo "make: registering the Jupyter kernel '$$kernel' inside $(VENV)"; \
	  $(PY) -m ipykernel install --sys-prefix --name "$$kernel" --display-name "Python (dmkit)" >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

# -- the README's two commands -----------------------------------------------------------

report: $(STAMP)
	$(VENV)/bin/dmkit round data_samples/solvik_2025.csv --instrument dual_maturity \
		--municipality "Solvik kommun" --round-label 2025 \
		--previous data_samples/solvik_2024.csv --benchmark data_samples/benchmark_2025.csv \
		--population-size 320 --output-dir reports/solvik_2025

test: system-deps $(STAMP)
	$(PY) -m pytest -p no:cacheprovider
	$(MAKE) --no-print-directory docs
	$(MAKE) --no-print-directory fresh-clone-check

# pytest alone (no docs, no fresh clone): what to run while working.
pytest: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider

# The tools the tests use outside Python: headless Chromium renders the report HTML,
# pdftoppm turns report PDFs into pages. Installed from Debian when missing and apt is here.
system-deps:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
	  cmd=$${pair%%=*}; pkg=$${pair#*=}; command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make: the tests need$$missing (not found, and there is no apt-get here): install them with your package manager"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "make: the tests need$$missing: run  sudo apt-get install$$missing  (continuing without them)"; exit 0; fi; \
	echo "make: installing Debian packages the tests need:$$missing (apt-get; takes a minute or two)"; \
	for try in 1 2 3; do \
	  $$sudo apt-get -o DPkg::Lock::Timeout=300 update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $$missing >/dev/null && break; \
	  echo "make: apt-get failed (try $$try of 3; another apt may hold the lock)"; sleep 20; done; \
	for pair in $(SYSTEM_TOOLS); do cmd=$${pair%%=*}; command -v $$cmd >/dev/null 2>&1 || \
	  echo "make: warning: $$cmd is still missing; the tests that need it will fail and say so"; done

# Clone this repository into a temporary folder and run exactly the README's two commands there.
# The inner `make test` sees DMKIT_FRESH_CLONE=inner and does not clone again.
fresh-clone-check: $(STAMP)
	@if [ "$${DMKIT_FRESH_CLONE:-}" = inner ]; then \
	  echo "make: fresh-clone check: this run is itself the fresh clone's \`make test\`; not cloning again"; \
	else $(PY) tools/fresh_clone_check.py; fi

# -- docs, lab, benchmarks, lock ----------------------------------------------------------

docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html
	@echo "make: docs built without warnings: docs/_build/html/index.html"

# The venv's kernels first (an older user-level kernel of the same name does not shadow them),
# and the kit's kernel (evaluation.reports.protocol.KERNEL_NAME) as the default for new notebooks.
lab: $(STAMP)
	@kernel=$$($(PY) -c 'from evaluation.reports.protocol import KERNEL_NAME; print(KERNEL_NAME)' 2>/dev/null || echo dmkit); \
	  echo "make: JupyterLab on notebooks/ with the kernel '$$kernel' of $(VENV)"; \
	  root=$$([ "$$(id -u)" = 0 ] && echo --allow-root); \
	  JUPYTER_PATH=$(abspath $(VENV))/share/jupyter exec $(VENV)/bin/jupyter lab $$root \
	    --MultiKernelManager.default_kernel_name="$$kernel" notebooks/

bench: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.lock
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lock: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(PY) tools/lock.py
	@echo "make: lock written from the versions in $(VENV); run make test before committing it"

clean:
	rm -rf $(VENV) reports .pytest_cache docs/_build docs/api/generated
