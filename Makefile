# Wavelength: `make demo` to try it, `make test` to check it. Running either twice is harmless.
VENV ?= .venv
PYTHON ?= python3
PIP := $(VENV)/bin/pip
WL := $(VENV)/bin/wavelength
PORT ?= 8000
export WAVELENGTH_DATA_DIR ?= $(CURDIR)/var

.PHONY: install assets migrate demo run serve worker stack test lint format bench loadtest messages clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@echo "==> [1/5] Python packages into $(VENV) (a few minutes the first time)"
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --disable-pip-version-check --progress-bar off -r requirements.lock
	$(PIP) install --disable-pip-version-check --progress-bar off --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> [2/5] Browser assets from npm (htmx, the chart library)"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

messages: $(VENV)/.installed
	test ! -d src/wavelength/locale || (cd src/wavelength && ../../$(WL) compilemessages -v0)

assets: install messages
	@echo "==> [3/5] Translations compiled, static files collected"
	$(WL) collectstatic --noinput -v0

migrate: install
	@echo "==> [4/5] Database created or upgraded in $(WAVELENGTH_DATA_DIR)"
	$(WL) migrate --noinput -v0

demo: assets migrate
	@echo "==> [5/5] Demo data (once): people, products, customers, feedback, quality, docs…"
	$(WL) demo
	@echo ""
	@echo "Wavelength is serving on http://127.0.0.1:$(PORT)/"
	@echo "The customer portal is at http://127.0.0.1:$(PORT)/portal/"
	@echo "Sign in as demo@wavelength.local with password wavelength-demo"
	$(WL) serve --port $(PORT)

run: assets migrate
	$(WL) serve --port $(PORT)

worker: install
	$(WL) worker

# Production's topology on this machine, in the foreground: PostgreSQL (DATABASE_URL) and Redis
# (REDIS_URL), which the machine provides, then serve, worker and beat; Ctrl+C stops all three.
stack: assets
	PORT=$(PORT) $(VENV)/bin/python -m wavelength.stack

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports
	$(WL) makemigrations --check --dry-run -v1

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

test: install messages lint
	WAVELENGTH_DATA_DIR=$$(mktemp -d) $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

bench: install messages
	$(VENV)/bin/python -m bench $(BENCH_ARGS)

# Locust in an environment of its own: the product's install does not carry a load generator.
.venv-load/.installed: requirements-loadtest.lock
	test -x .venv-load/bin/python || $(PYTHON) -m venv .venv-load
	.venv-load/bin/pip install --disable-pip-version-check --progress-bar off -r requirements-loadtest.lock
	touch $@

# 8 signed-in readers for 60 s against `wavelength serve` on the demo data (docs/benchmarks.md).
loadtest: assets .venv-load/.installed
	$(VENV)/bin/python -m bench.loadtest $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) .venv-load node_modules var
