# Everyday commands. `make run` starts the product with demo data; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
# Use uv from PATH, else install the pinned version into .tools/ inside the checkout.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11
RUN := $(UV) run --frozen --no-sync
PYTEST_ARGS ?=
# `make test` runs the suite in this many pytest-xdist worker processes (each with its own test
# database and Redis database); `make test PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= 2
# `make run PORT=8001` when 8000 is taken.
PORT ?= 8000
# `make dataset SCALE=0.1` / `make bench SCALE=0.1`: the generated book's size (1 = the mid-size
# org of docs/performance.md); `make bench BENCH_ARGS="--runs 5 --only aging.customer"`.
SCALE ?= 1
BENCH_ARGS ?=

.PHONY: help install run test lint format messages compilemessages bench dataset clean

help:
	@echo "make run    install, migrate, load demo data and start web + worker + beat on http://127.0.0.1:8000 (PORT=8001 for another)"
	@echo "make test   install, lint and run the whole test suite"
	@echo "make lint   ruff + djlint;  make format  fix formatting"
	@echo "make bench  every operation against hand-written SQL, one table (PostgreSQL; SCALE=1, BENCH_ARGS=)"
	@echo "make dataset SCALE=0.1   generate the benchmark book into DATABASE_URL (replaces it)"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen
	npm ci --no-audit --no-fund --loglevel=error
	$(RUN) python scripts/compilemessages.py

run: install
	$(RUN) python manage.py migrate --no-input
	$(RUN) python manage.py seed_demo
	$(RUN) honcho -f Procfile.dev start --port $(PORT)

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) djlint templates --check
	$(RUN) djlint templates --lint

format:
	$(RUN) ruff check --fix .
	$(RUN) ruff format .
	$(RUN) djlint templates --reformat

test: lint
	$(RUN) pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Needs GNU gettext (xgettext); only for developers changing translatable strings.
messages:
	$(RUN) python manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=node_modules --ignore=.venv
	$(RUN) python scripts/compilemessages.py

compilemessages:
	$(RUN) python scripts/compilemessages.py

# Against the configured DATABASE_URL (PostgreSQL), on a book `make dataset` generated; exits 1
# when any figure differs from the hand-written SQL's. docs/performance.md, "How to benchmark".
bench: install
	$(RUN) python manage.py bench --scale $(SCALE) $(BENCH_ARGS)

dataset: install
	$(RUN) python manage.py migrate --no-input
	$(RUN) python manage.py generate_dataset --scale $(SCALE) --seed 1 --replace

clean:
	rm -rf var .pytest_cache .ruff_cache
