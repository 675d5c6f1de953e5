# The README's two commands are `make run` and `make test`; `make help` lists the rest.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in emails and certificate QR codes point at the server `make run` starts.
export SITE_URL ?= http://127.0.0.1:$(PORT)
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: help run test test-tools test-postgres bench bench-scaleout backup restore cluster cluster-stop \
	cluster-status cluster-check cluster-faults lint format check-deploy translations messages setup fonts clean

help: ## List the commands
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-15s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

fonts: ## Make sure a CJK TrueType font is installed (certificate and transcript PDFs embed it)
	@if [ -n "$$CERTIFICATE_FONT_PATH" ] || ls /usr/share/fonts/truetype/wqy/wqy-*.ttc >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's fonts-wqy-microhei for certificate PDFs"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; }; \
	else \
		echo "Missing CJK font: run 'sudo apt-get install fonts-wqy-microhei' or set CERTIFICATE_FONT_PATH to a .ttf/.ttc file."; \
		exit 1; \
	fi

translations: $(VENV)/.installed ## Compile the translation catalogues (.po -> .mo)
	$(MANAGE) compiletranslations

setup: fonts translations ## Install, migrate and load the demo data
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo_data

run: setup ## Set everything up and serve the demo site (and a task worker with the scheduler) on http://127.0.0.1:$(PORT)
	@echo "Serving on http://127.0.0.1:$(PORT)/ with a background task worker (Ctrl+C stops both)"
	@$(MANAGE) task_worker --schedule --interval 1 --no-startup-delay & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

test-tools: ## Debian's nginx, Chromium and OpenLDAP server, which the proxy, browser and LDAP tests start themselves
	@sh scripts/debian-install --optional "the tests needing them are skipped without them" \
		nginx=nginx-light chromium=chromium slapd=slapd

test: fonts test-tools $(VENV)/.installed-dev ## Install the test tools and run the whole suite
	$(MANAGE) compiletranslations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: ## Run the suite on PostgreSQL (DATABASE_URL, default: local server)
	$(MAKE) test DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/training}

SCALE ?= small
BENCH_SECONDS ?= 15
bench: fonts translations ## Load-test the production server at SCALE=small|province (docs/benchmarks.md)
	@sh scripts/debian-install "the load generator and the proxy" wrk=wrk nginx=nginx-light
	$(BIN)/python bench/run.py --scale $(SCALE) --seconds $(BENCH_SECONDS) $(BENCH_ARGS)

bench-scaleout: fonts translations ## Throughput with 1 and 2 app servers, certificates with 1 and 2 workers (bench/scaleout.py)
	@sh scripts/debian-install "the load generator and the cluster" wrk=wrk nginx=nginx-light \
		redis-server=redis-server pg_ctlcluster=postgresql
	$(BIN)/python bench/scaleout.py --seconds $(BENCH_SECONDS)

# Backups of the database, MEDIA_ROOT and PRIVATE_ROOT that the settings name (docs/deployment.md).
TO ?= backups/$(shell date +%Y%m%d-%H%M%S)
backup: $(VENV)/.installed ## Back up the database, media and private files into a new directory TO=dir
	$(BIN)/python deploy/backup.py backup --to $(TO)

restore: $(VENV)/.installed ## Restore FROM=dir into the empty database and roots (FORCE=1 replaces data), then verify
	@test -n "$(FROM)" || { echo "make restore FROM=dir [FORCE=1]: which backup?"; exit 2; }
	$(BIN)/python deploy/backup.py restore --from $(FROM) $(if $(FORCE),--force)
	$(BIN)/python deploy/backup.py verify --from $(FROM)

# The cluster's own PostgreSQL and Redis run on free ports beside the machine's (docs/deployment.md).
CLUSTER_ARGS ?=
cluster: fonts translations ## Start app servers, task workers, nginx, PostgreSQL and Redis on 127.0.0.1 (CLUSTER_ARGS)
	@sh scripts/debian-install "the local cluster" nginx=nginx-light redis-server=redis-server \
		pg_ctlcluster=postgresql
	$(BIN)/python deploy/cluster.py start $(CLUSTER_ARGS)

cluster-stop: ## Stop every process of the local cluster (its data stays in .cluster/)
	$(BIN)/python deploy/cluster.py stop

cluster-status: ## What of the local cluster runs
	$(BIN)/python deploy/cluster.py status

cluster-check: fonts translations ## CI: faults (app server, worker, PostgreSQL, Redis) on a cluster of its own, nothing lost
	@sh scripts/debian-install "the fault test's cluster" nginx=nginx-light redis-server=redis-server \
		pg_ctlcluster=postgresql
	$(BIN)/python deploy/faults.py --smoke

cluster-faults: fonts translations ## The fault scenarios with a longer load and 200 certificates (deploy/faults.py)
	@sh scripts/debian-install "the fault test's cluster" nginx=nginx-light redis-server=redis-server \
		pg_ctlcluster=postgresql
	$(BIN)/python deploy/faults.py

lint: $(VENV)/.installed-dev ## Check style with ruff, and the import layers (.importlinter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev ## Fix style with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(VENV)/.installed ## Extract new UI strings into locale/*/django.po (needs GNU gettext)
	$(MANAGE) makemessages --locale zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'static_collected/*'

check-deploy: $(VENV)/.installed ## Django's deployment checks under production settings
	DJANGO_SETTINGS_MODULE=training_site.settings.production \
	SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-value-for-the-check-only-0123456789 \
	ALLOWED_HOSTS=training.example.gov SITE_URL=https://training.example.gov \
	$(MANAGE) check --deploy --fail-level WARNING

clean: ## Remove the virtual environment, database and collected files
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* static_collected media-test private-test
