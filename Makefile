# Two commands on a fresh machine: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: install browser nginx pdftools demo test test-fast lint format clean messages translations

install: $(VENV)/.installed node_modules/.installed

# The browser tests drive the machine's Chromium, from Debian's packages (never a downloaded build).
browser:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The HTTPS tests run the shipped site (contrib/nginx/migrex.conf) in Debian's nginx.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
		echo "Installing Debian's nginx for the HTTPS tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

# The browser test of the officer's day turns the first page of each PDF of a case into a PNG
# beside its screenshots: pdftoppm, from Debian's poppler-utils.
pdftools:
	@command -v pdftoppm >/dev/null || { \
		echo "Installing Debian's poppler-utils for the PDF screenshots"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; }

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# axe-core, which the browser tests inject into the pages they walk: from the npm registry, at the
# version package-lock.json pins.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

demo: install
	$(BIN)/migrex demo

# Everything: lint, the floors, and the whole suite (browser, node processes, Spark), on every
# core; a module's tests stay together (they share their node processes).
test: install browser nginx pdftools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto --dist loadscope

# While working: what needs no browser, no node process and no Spark.
test-fast: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto -m "not browser and not nodes and not spark"

lint: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Russian UI strings: `make messages` extracts new ones into migrex/locale/ru/LC_MESSAGES/django.po
# (translate every empty or fuzzy entry there), `make translations` compiles the .mo.
messages: install
	cd migrex && MIGREX_DEBUG=1 ../$(BIN)/migrex makemessages -l ru --no-obsolete --no-location

translations: install
	cd migrex && MIGREX_DEBUG=1 ../$(BIN)/migrex compilemessages -l ru

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
