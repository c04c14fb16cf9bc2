# Two commands for a newcomer: `make run` (the product with demo data) and `make test` (the whole suite).
# Only python3 and make are assumed; everything else is installed here.
PYTHON ?= python3
PORT ?= 8000
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test install system-deps lint bench worker clean loadtest

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv>=0.5,<1"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python $(PYTHON)
	touch $@

install: system-deps $(VENV)/.synced

# WeasyPrint needs Pango; the PDFs' Chinese font is bundled under static/fonts.
system-deps:
	@bash scripts/system-deps.sh

# Letters print and encode the address the server runs on (PORT=8101 make run prints 8101).
run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (demo users: applicant1 applicant2 clerk1 officer1 reviewer1 head1 officer2 reviewer2 officer3 monitor1 trainer1 admin / demo-pass-2026; see README.md)"
	@# Embedded mode: Celery tasks run in-process; the beat schedule (SLA sweep, end of publication) runs beside the server.
	$(PY) manage.py run_periodic --every 60 & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) scripts/runtests.py $(ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check apps config tests bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) $(TOOLS) var

# The load scenario (bench/load/run.py): generated volume, gunicorn (DEBUG off), Redis, one Celery worker, locust.
# LOAD_SECONDS=60 make loadtest; LOAD_CASES=5000 for a small volume; LOAD_REUSE=1 keeps a generated database.
loadtest: install
	$(PY) bench/load/run.py
