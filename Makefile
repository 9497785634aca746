# Quick start: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
CLI := $(VENV)/bin/clusteratlas

.PHONY: demo test venv install install-test bench clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (or set PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

venv: $(PY)

install: $(PY)
	$(PIP) install -q -e '.[all]'

install-test: $(PY)
	$(PIP) install -q -e '.[all,test]'

demo: install
	$(PY) scripts/demo.py

test: install-test
	bash scripts/install-system-deps.sh
	$(PY) -m pytest -q -n 2

bench: install-test
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
