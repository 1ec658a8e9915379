# childshield: `make demo` to try it, `make test` to check it. Needs only Python 3.11+ and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: install install-dev demo test lint system-packages messages lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs are stamped against the lock files, so running them again does nothing until a lock changes.
$(VENV)/.installed-base: requirements/base.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/base.lock
	touch $@

$(VENV)/.installed-dev: requirements/dev.lock $(VENV)/.installed-base
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.lock
	touch $@

install: $(VENV)/.installed-base

install-dev: $(VENV)/.installed-dev

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Tests need Debian's chromium (browser tests; never a downloaded browser), GNU gettext (the check
# that the translation catalogs hold every string), redis-server (the fault tests start and stop
# their own) and postgresql-client (pg_dump and pg_restore, for backups); install whichever is missing.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v xgettext >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v pg_dump >/dev/null 2>&1 || missing="$$missing postgresql-client"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test: install-dev system-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy childshield

# Extract and compile translations (needs GNU gettext; the compiled .mo files are committed).
messages: install-dev system-packages
	$(MANAGE) makemessages --locale vi --locale km --no-obsolete --ignore ".venv/*" --ignore "tests/*"
	$(MANAGE) compilemessages --ignore ".venv/*"

# Re-lock dependencies after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.lock pyproject.toml

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
