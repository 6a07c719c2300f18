# Two commands on a fresh machine: `make run` (the console bot) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test deps lint bench serve clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: chat with club-bot in the terminal, on an embedded SQLite file, with a demo Club
run: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-sqlite:///demo.sqlite3} CLUB_ADMINS=$${CLUB_ADMINS:-console:vous,console:camille} \
		$(VENV)/bin/club-bot console --demo

## deps: PostgreSQL from Debian's packages, for the half of the suite that runs on it, and chromium
## (Debian's, driven by Playwright) for the public page's browser test
deps:
	@[ -x /usr/bin/chromium ] || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else echo "chromium manque : sudo apt-get install chromium chromium-driver"; exit 1; fi; }
	@command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
		else echo "PostgreSQL manque : sudo apt-get install postgresql (ou définissez TEST_POSTGRES_URL)"; exit 1; fi; }

## test: the whole suite, on SQLite and PostgreSQL
test: $(STAMP) deps
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check bot handlers storage tests bench

bench: $(STAMP) deps
	$(PY) -m bench

serve: $(STAMP)
	$(VENV)/bin/club-bot serve

clean:
	rm -rf $(VENV) demo.sqlite3* .pytest_cache
