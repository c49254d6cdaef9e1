# Two commands do all set-up on a fresh Linux machine:
#   make run   - create the environment and start the app on the demo project
#   make test  - create the environment and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint clean bundle

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/soccer-desktop --demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	for script in tests/bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(PY) $$script || exit 1; done

# The one-folder app bundle in dist/ (not part of make test: it takes long and writes GBs; see packaging/README.md).
bundle: $(STAMP)
	$(PY) -m pip install ".[bundle]"
	PYTHON=$(PY) packaging/build_linux.sh dist

clean:
	rm -rf $(VENV) build *.egg-info
