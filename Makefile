# Two commands on a fresh machine: `make report` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
KERNEL := dmkit

.PHONY: setup report test lab bench clean

# Create/update the virtual environment when pyproject.toml changes.
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Need $(PYTHON) on PATH (or run: make PYTHON=python3 ...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -m ipykernel install --user --name $(KERNEL) --display-name "Python (dmkit)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(VENV)/bin/dmkit round data_samples/solvik_2025.csv --instrument dual_maturity \
		--municipality "Solvik kommun" --round-label 2025 \
		--previous data_samples/solvik_2024.csv --benchmark data_samples/benchmark_2025.csv \
		--population-size 320 --output-dir reports/solvik_2025

test: $(STAMP)
	$(PY) -m pytest

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) reports .pytest_cache
