# Quick start: `make demo` and `make test`. Both create .venv when missing.
# Packages are installed with uv (itself installed from PyPI into .venv) when it can be had, else with pip.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
CLI := $(VENV)/bin/clusteratlas
# `$(INSTALL) ARGS` installs into .venv: uv when .venv/bin/uv exists, else pip.
INSTALL = inst() { if [ -x $(VENV)/bin/uv ]; then $(VENV)/bin/uv pip install -q --python $(PY) "$$@"; \
	else $(PY) -m pip install -q "$$@"; fi; }; inst

.PHONY: demo test venv install install-test bench bench-quick clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (or set PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q uv 2>/dev/null || echo "uv not available: installing with pip"

venv: $(PY)

install: $(PY)
	@$(INSTALL) -e '.[all]'

install-test: $(PY)
	@$(INSTALL) -e '.[all,build,test]'

demo: install
	$(PY) scripts/demo.py

test: install-test
	bash scripts/install-system-deps.sh
	$(PY) -m pytest -q -n 2

bench: install-test
	@$(INSTALL) -e '.[all,build,test,bench]'
	$(PY) benchmarks/run_all.py

bench-quick: install-test
	@$(INSTALL) -e '.[all,build,test,bench]'
	$(PY) benchmarks/run_all.py --quick

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
