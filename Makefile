# The project's one task runner. `make run` and `make test` are the README's contract.
PYTHON3 ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers for `make test`: one per processor; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.PHONY: run test install lint format browser gettext system-packages check-browser messages compile-messages

$(PYTHON):
	$(PYTHON3) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 ou plus récent est requis."; exit 1; }
	$(PYTHON3) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Sets everything up on SQLite (unless DATABASE_URL says otherwise) and serves the portal, after
# printing its address, the admin's and the command that creates an administrator.
# Existing data is kept: real data is loaded only into an empty database.
run: install compile-messages
	DEBUG=1 $(PYTHON) manage.py migrate --noinput
	DEBUG=1 $(PYTHON) manage.py load_real_data
	@DEBUG=1 $(PYTHON) manage.py welcome --port $(PORT)
	DEBUG=1 $(PYTHON) manage.py runserver 127.0.0.1:$(PORT)

.PHONY: serve bench lighthouse

# The portal as in production: DEBUG off, hashed and compressed static files, gunicorn
# (gunicorn.conf.py: WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_WORKER_CLASS). Without
# SECRET_KEY, a random key for this run only, never written anywhere: a known fallback key would
# let anyone forge sessions if this target ever ran in production.
serve: install
	@if [ -z "$$SECRET_KEY" ]; then echo "Attention : SECRET_KEY n'est pas définie. Une clé aléatoire est tirée pour cette exécution seulement (les sessions ne survivent pas à un redémarrage). En production, définissez SECRET_KEY." >&2; fi
	export DEBUG=0 PORT=$(PORT) SECRET_KEY="$${SECRET_KEY:-$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')}" && \
	$(PYTHON) manage.py collectstatic --noinput --verbosity 0 && \
	$(PYTHON) manage.py migrate --noinput && \
	$(PYTHON) manage.py load_real_data && \
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py deffinum.wsgi

# Load test against the speed limit of this machine (bench/run.py): about ten minutes.
bench: install
	$(PYTHON) bench/run.py

# Lighthouse's four scores and the Nu HTML checker on every public page type, served as in
# production (bench/lighthouse.py): a few minutes; needs Node (npm), Java and Chromium. Not part
# of `make test`. The table goes to bench/results/lighthouse.md.
lighthouse: install
	$(PYTHON) bench/lighthouse.py

# The whole suite needs three system packages besides Python: Chromium (tests/e2e), GNU gettext
# (compilemessages, tests/test_translations.py) and redis-server (tests that start, freeze and stop
# a Redis of their own, tests/servers.py). system-packages installs them first, or stops.
test: system-packages install compile-messages
	$(PYTHON) -m pytest --numprocesses $(TEST_WORKERS) --dist loadfile --durations 15 $(PYTEST_ARGS)

# The compiled catalogues (locale/*/LC_MESSAGES/django.mo) are committed, for machines without
# GNU gettext; where msgfmt exists they are rebuilt, so that an edited .po shows up at once.
# templates/simple_history is django-simple-history's own template, overridden (see its comment):
# its texts keep the package's own translations.
I18N_IGNORE := --ignore=.venv --ignore=var --ignore=bench --ignore=tests --ignore=templates/simple_history
compile-messages: install
	@if command -v msgfmt >/dev/null; then \
		DEBUG=1 $(PYTHON) manage.py compilemessages $(I18N_IGNORE) --verbosity 0; \
	else \
		echo "msgfmt absent : catalogues compilés du dépôt utilisés"; \
	fi

# After changing interface strings. The French catalogue is the source text itself (msgen), kept
# only so that French plural rules apply ("0 lauréat"); new English entries come out empty for a
# person to translate (tests/test_translations.py lists them), then `make compile-messages`.
messages: install
	DEBUG=1 $(PYTHON) manage.py makemessages -l en -l fr --no-obsolete $(I18N_IGNORE)
	msgattrib --clear-fuzzy --empty locale/fr/LC_MESSAGES/django.po -o locale/fr/LC_MESSAGES/django.po
	msgen locale/fr/LC_MESSAGES/django.po -o locale/fr/LC_MESSAGES/django.po
	$(MAKE) --no-print-directory compile-messages

# The system packages the test suite needs: Debian's Chromium, which the real-browser tests
# (tests/e2e) drive (Playwright's own browser download is not used), GNU gettext and redis-server. Missing ones
# are installed with one apt-get as root on Debian/Ubuntu; anywhere else make stops at once and
# prints the one command to run, rather than letting 27 browser tests error one by one.
CHROMIUM_PATH ?= /usr/bin/chromium
define install_packages
	@missing=""; \
	for package in $(1); do \
		case $$package in \
			chromium) [ -x "$(CHROMIUM_PATH)" ] || missing="$$missing chromium" ;; \
			gettext) { command -v msgfmt && command -v xgettext; } >/dev/null || missing="$$missing gettext" ;; \
			redis-server) [ -x /usr/bin/redis-server ] || missing="$$missing redis-server" ;; \
		esac; \
	done; \
	if [ -z "$$missing" ]; then \
		echo "Paquets système présents : $(1) (Chromium : $(CHROMIUM_PATH))"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installation des paquets Debian :$$missing..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
		case "$$missing" in *chromium*) [ -x "$(CHROMIUM_PATH)" ] || { echo "L'installation de Chromium n'a pas fourni $(CHROMIUM_PATH)." >&2; exit 1; } ;; esac; \
		echo "Installé :$$missing"; \
	else \
		echo "Il manque des paquets système ($${missing# }) et ils ne peuvent pas être installés ici (il faut être root sur Debian ou Ubuntu). Lancez :" >&2; \
		echo "    sudo apt-get install -y$$missing" >&2; \
		echo "(ailleurs, installez-les avec le gestionnaire de paquets du système ; CHROMIUM_PATH=/chemin/vers/chromium désigne un autre Chromium)" >&2; \
		exit 1; \
	fi
endef

system-packages:
	$(call install_packages,chromium gettext redis-server)

browser:
	$(call install_packages,chromium)

gettext:
	$(call install_packages,gettext)

check-browser: browser

# Python with ruff and django-upgrade (Django 5.2 idioms), templates with djade.
TEMPLATES := $(shell find templates -name '*.html')
PYTHON_FILES := $(shell find deffinum laureats tests bench -name '*.py') manage.py gunicorn.conf.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/django-upgrade --target-version 5.2 --check $(PYTHON_FILES) && echo "django-upgrade: rien à moderniser"
	@$(VENV)/bin/djade --target-version 5.2 --check $(TEMPLATES)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/django-upgrade --target-version 5.2 $(PYTHON_FILES) || true
	$(VENV)/bin/djade --target-version 5.2 $(TEMPLATES) || true
	$(VENV)/bin/ruff format .
