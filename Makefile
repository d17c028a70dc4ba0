# The two README commands (`make run`, `make test`) and their set-up. Every target is idempotent.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.newsrag-run
DEV_STAMP := $(VENV)/.newsrag-dev
HOST   ?= 127.0.0.1
PORT   ?= 7860

# offline and quiet: nothing is fetched from a model hub, nothing is reported home
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false
# llama-cpp-python (a dev extra, for the local-LLM tests) builds from source: keep it portable
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF

.PHONY: setup setup-dev system-deps run test test-fast lint clean

# `make run` installs what running needs (the runtime dependencies, torch's CPU build and the
# default embedding backend); `make test` adds the dev extras (pytest, Playwright's client, the
# LLM backends and llama.cpp, which compiles from source). Each stamp is re-made when
# pyproject.toml changes.
setup: $(RUN_STAMP)
setup-dev: $(DEV_STAMP)

$(VENV)/.created:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

# torch first, pinned to the CPU build, or pip pulls a multi-GB CUDA build for the other deps
$(RUN_STAMP): pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: setup
	$(BIN)/newsrag ui --ingest corpus --watch --host $(HOST) --port $(PORT)

# the browser tests drive Debian's chromium (never `playwright install`); installed only when missing
system-deps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else echo "The browser tests need Debian's chromium: sudo apt-get install -y chromium" \
		"(or run the rest: make test-fast)" >&2; exit 1; fi

test: setup-dev system-deps
	$(BIN)/python -m pytest

test-fast: setup-dev
	$(BIN)/python -m pytest -m "not slow and not browser"

lint: setup-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .newsrag .pytest_cache
