# Two commands matter on a fresh clone: `make status` and `make test`.
# Both create .venv (with only Python 3 installed) when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: status test lint bench demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

status: $(STAMP)
	$(BIN)/edplan status

test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/ruff check src tests
	$(BIN)/mypy

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

# The illustrative log in examples/ (made-up figures, not real data): what the views look like.
DEMO := $(BIN)/edplan --log examples/2006.progress.jsonl
demo: $(STAMP)
	$(DEMO) status --as-of 2006-07-01
	$(DEMO) show t03-rural-fund --as-of 2006-07-01
	mkdir -p build
	$(DEMO) report --as-of 2006-07-01 --since 2006-06-01 --output build/demo-report.html

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
