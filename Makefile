# customer-chat: `make run` starts everything with demo data, `make test` runs every check.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_MODULES := webclient/node_modules/.installed

.PHONY: install run test test-external-db lint types clean

install: $(INSTALLED) $(NODE_MODULES)
	@scripts/system-packages.sh ejabberd erlang-p1-pgsql
	@if [ -d .git ]; then $(BIN)/pre-commit install -f >/dev/null; fi

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

$(NODE_MODULES): webclient/package.json
	cd webclient && npm install --no-audit --no-fund --loglevel=error
	@touch $@

run: install
	$(BIN)/customer-chat run

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(INSTALLED)
	$(BIN)/mypy

test: install
	@scripts/system-packages.sh ejabberd erlang-p1-pgsql chromium
	$(MAKE) lint types
	$(BIN)/pytest --cov --cov-report=term

# The load benchmark against a bare-ejabberd ceiling (about 10 minutes, not part of `make test`);
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--rooms 20 --rounds 1 --idle 500".
.PHONY: bench
bench: install
	$(BIN)/python -m bench.load $(BENCH_ARGS)

# The same suite against a server given only by CUSTOMER_CHAT_DATABASE_URL.
test-external-db: install
	scripts/test-external-db.sh

clean:
	rm -rf $(VENV) webclient/node_modules .coverage .coverage.* .mypy_cache .ruff_cache
