# One command to run the service (SQLite, demo data, jobs loop), one to run every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
JOBS_INTERVAL ?= 60
# The local secret key, generated once (git-ignored); settings read it when SECRET_KEY is unset.
SECRET_KEY_FILE := var/secret_key

.PHONY: run test lint mutation install migrate demo clean

# `make run` serves with DEBUG off, as production does, over plain http on localhost: only what http
# cannot do is relaxed (no redirect to https, cookies not marked Secure). Your environment wins.
run demo migrate: export SECURE_SSL_REDIRECT ?= False
run demo migrate: export SESSION_COOKIE_SECURE ?= False
run demo migrate: export CSRF_COOKIE_SECURE ?= False

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

$(SECRET_KEY_FILE):
	@mkdir -p $(dir $@)
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@echo "Generated a local secret key in $@"

install: $(VENV)/.installed $(SECRET_KEY_FILE)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	ESCALATIONS_ENABLED=$${ESCALATIONS_ENABLED:-True} $(BIN)/python manage.py ptw_demo

# Web server + the periodic jobs in a loop (the embedded default: no Redis, no Celery).
run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@$(BIN)/python tools/check_port.py $(HOST) $(PORT)
	@echo "PTW service at http://$(HOST):$(PORT)/  (demo users: see README; password demo-pass-2026)"
	@# Ctrl-C reaches both processes (they stop cleanly); when either ends the other is stopped. The trap
	@# clears itself first: a trap that signals its own process group again recurses until the shell crashes.
	@trap 'trap - INT TERM EXIT; kill $$jobs $$web 2>/dev/null; wait' INT TERM EXIT; \
	ESCALATIONS_ENABLED=$${ESCALATIONS_ENABLED:-True} $(BIN)/python manage.py ptw_check_escalations --all --loop $(JOBS_INTERVAL) & jobs=$$!; \
	$(BIN)/uvicorn backend.asgi:application --host $(HOST) --port $(PORT) --no-access-log --timeout-graceful-shutdown 5 & web=$$!; \
	wait $$web

test: install
	$(BIN)/pytest

# What .ci/run checks besides the tests.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

# Mutation testing of the modules that decide safety (docs/mutation.md); MUTANTS picks some,
# e.g. `make mutation MUTANTS="ptw.policy*"`. Results stay in mutants/ (`.venv/bin/mutmut browse`).
MUTANTS ?= ptw.policy* ptw.actions* ptw.jobs.* ptw.notification_utils* ptw.workflow*
mutation: install
	$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/python tools/mutation_scores.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles mutants
