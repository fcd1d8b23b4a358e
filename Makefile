# make run   - install into .venv, migrate, seed the demo once, serve http://127.0.0.1:5000
# make test  - install into .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed-stamp
PO := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
PYTEST_ARGS ?= -n 2 -q

.PHONY: install run test lint format translations extract-messages bench clean

install: $(STAMP) $(MO)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d translations -l $* >/dev/null

translations: $(MO)

extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg --ignore-dirs=".* __pycache__" -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# The demo's data is made up, so it may run on the public development keys (DEMO_MODE=1);
# anything else must set SECRET_KEY, FIELD_ENCRYPTION_KEY and BLIND_INDEX_KEY (README).
run: export DEMO_MODE := 1
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
