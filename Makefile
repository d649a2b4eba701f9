# newsprism: `make demo` briefs the bundled sample story; `make test` runs the test suite.
# Both create the virtual environment in .venv on first use.

VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
PIP     := $(PY) -m pip
STAMP   := $(VENV)/.newsprism-installed
PYTEST_ARGS ?=

.PHONY: demo test test-all bench eval install clean lint

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip wheel
	# The CPU build of PyTorch comes from a local wheel; any other spec pulls CUDA packages.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev,export,scale]'
	# One-time export of MiniLM to ONNX (run time needs only onnxruntime).
	HF_HUB_OFFLINE=1 $(PY) -m newsprism.embed export
	touch $(STAMP)

demo: $(STAMP)
	HF_HUB_OFFLINE=1 $(VENV)/bin/newsprism brief examples/sample-story --format html -o out/sample-brief.html
	HF_HUB_OFFLINE=1 $(VENV)/bin/newsprism brief examples/sample-story --format md

test: $(STAMP)
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(PY) benchmarks/bench_brief.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache
