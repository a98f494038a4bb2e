# The assistant's two commands: `make run` and `make test`. Everything else here
# is a step they depend on, and each step is skipped when it is up to date.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON311 ?= python3.11
VENV := .venv
RASA_VENV := .venv-rasa
MODEL := models/current.tar.gz
# The bot's responses per intent, for agent assist: the API reads this, never bot/.
ASSIST_RESPONSES := models/assist-responses.json
BOT_SOURCES := config.yml $(shell find bot -type f \( -name '*.py' -o -name '*.yml' \) -not -path 'bot/tests/*' -not -path '*/__pycache__/*')

PORT ?= 8000
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
# Rasa servers started by `make run`, on RASA_PORT and the ports after it: one per core of the
# 2-core machine. A Rasa server runs all its conversations on one event loop, so it uses one core
# at most; the API keeps each conversation on one of them (api/rasa_client.py).
RASA_SERVERS ?= 2
# Folds of `rasa test nlu --cross-validation` in `make test-bot`; the intent F1 floor is in scripts/intent_f1_floor.py.
NLU_FOLDS ?= 3
comma := ,
export API_PORT := $(PORT)
export RASA_PORT ACTIONS_PORT
export ACTION_SERVER_URL ?= http://127.0.0.1:$(ACTIONS_PORT)
export RASA_URLS ?= $(subst $() ,$(comma),$(foreach port,$(shell seq $(RASA_PORT) $$(($(RASA_PORT) + $(RASA_SERVERS) - 1))),http://127.0.0.1:$(port)))
export PYTHONPATH := $(CURDIR)
# The ministry's corpus next to the checkout is indexed by default when present.
export KNOWLEDGE_SOURCES ?= $(wildcard $(abspath ../shared/corpus))
# Rasa and TensorFlow are chatty and phone home; keep them quiet and offline.
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup model index test-deps run test test-bot test-app bench-assist bench-arabic bench-language bench-nlu bench-knowledge bench-load eval-knowledge eval-answers fit-knowledge lock purge clean

help:
	@echo "make run    set everything up, then start Rasa, the action server and the API"
	@echo "make test   set everything up, then run the whole test suite in both environments"

$(VENV)/.installed: requirements/app.lock
	@echo "==> Creating $(VENV) (Python 3.11: actions, knowledge, API)"
	$(PYTHON311) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --progress-bar on -r requirements/app.lock
	touch $@

$(RASA_VENV)/.installed: requirements/rasa.lock
	@echo "==> Creating $(RASA_VENV) (Python 3.10: Rasa 3.6)"
	@py310=$$(scripts/find-python310.sh) && $$py310 -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --progress-bar on -r requirements/rasa.lock
	touch $@

setup: $(VENV)/.installed $(RASA_VENV)/.installed

# The lock files, from requirements/*.in: pip-compile (pip-tools, pinned here) in its own
# virtual environment per Python, under var/lock-tools. A pin already in a lock is kept (to move
# them all: `make lock LOCK_UPGRADE=--upgrade`); every pin gets the sha256 of its files, so
# `pip install -r` runs in hash-checking mode. Indexes and find-links come from pip's own
# configuration, never written into the locks.
PIP_TOOLS := pip-tools==7.6.2
LOCK_TOOLS := var/lock-tools
PIP_COMPILE_FLAGS := --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_UPGRADE)
lock:
	$(PYTHON311) -m venv $(LOCK_TOOLS)/py311
	$(LOCK_TOOLS)/py311/bin/pip install --quiet $(PIP_TOOLS)
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/py311/bin/pip-compile $(PIP_COMPILE_FLAGS) --output-file requirements/app.lock requirements/app.in
	sed -i '1i # torch'"'"'s +cpu build is the CPU-only wheel of https://download.pytorch.org/whl/cpu, not on PyPI: pip needs\n# --extra-index-url https://download.pytorch.org/whl/cpu, or a folder holding that wheel in find-links (README.md).' requirements/app.lock
	@py310=$$(scripts/find-python310.sh) && $$py310 -m venv $(LOCK_TOOLS)/py310
	$(LOCK_TOOLS)/py310/bin/pip install --quiet $(PIP_TOOLS)
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/py310/bin/pip-compile $(PIP_COMPILE_FLAGS) --output-file requirements/rasa.lock requirements/rasa.in

$(MODEL): $(RASA_VENV)/.installed $(BOT_SOURCES)
	@echo "==> Training the Rasa model (about a minute or two)"
	$(RASA_VENV)/bin/rasa train --config config.yml --domain bot/domain --data bot/data \
		--out models --fixed-model-name current
	@# Rasa skips training when its own fingerprint is unchanged; mark the model fresh anyway.
	touch $@

$(ASSIST_RESPONSES): $(RASA_VENV)/.installed $(BOT_SOURCES)
	$(RASA_VENV)/bin/python -m bot.assist_responses $@

model: $(MODEL) $(ASSIST_RESPONSES)

# Incremental: unchanged source files are neither re-read nor re-embedded.
index: $(VENV)/.installed
	@echo "==> Building the knowledge index (sources: knowledge/corpus $(KNOWLEDGE_SOURCES))"
	$(VENV)/bin/python -m knowledge build

run: setup model index
	@echo "==> Starting $(RASA_SERVERS) rasa ($(RASA_URLS)), actions (:$(ACTIONS_PORT)) and api (http://127.0.0.1:$(API_PORT))"
	exec $(VENV)/bin/honcho start --procfile Procfile --concurrency rasa=$(RASA_SERVERS)

test-bot: setup model test-deps
	$(RASA_VENV)/bin/rasa data validate --config config.yml --domain bot/domain --data bot/data
	$(RASA_VENV)/bin/rasa test core --stories bot/tests --model $(MODEL) --out var/rasa-test-results \
		--fail-on-prediction-errors
	@echo "==> Intent F1 by $(NLU_FOLDS)-fold cross-validation (3 to 6 minutes on two cores)"
	$(RASA_VENV)/bin/rasa test nlu --nlu bot/data/nlu --config config.yml --domain bot/domain \
		--cross-validation --folds $(NLU_FOLDS) --out var/rasa-nlu-results --no-plot
	$(RASA_VENV)/bin/python scripts/intent_f1_floor.py var/rasa-nlu-results/intent_report.json
	E2E_REQUIRED=1 $(RASA_VENV)/bin/python -m pytest tests/bot

# Debian packages the tests drive for real: Chromium for the web page (never a
# downloaded browser), PostgreSQL and Redis for the production profile, espeak-ng
# and ffmpeg to record the WhatsApp voice notes (OGG/Opus) that the speech model hears.
test-deps:
	@missing=""; command -v chromium >/dev/null || missing="chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	if [ -n "$$missing" ]; then echo "==> Installing Debian packages for the tests:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

test-app: setup model test-deps
	E2E_REQUIRED=1 $(VENV)/bin/python -m pytest tests --ignore=tests/bot

test: test-bot test-app

bench-assist: setup model index
	$(VENV)/bin/python bench/assist_latency.py

bench-arabic: setup
	$(VENV)/bin/python bench/arabic_damage.py

bench-language: setup
	$(VENV)/bin/python bench/language.py

bench-nlu: setup
	$(RASA_VENV)/bin/python bench/nlu.py

bench-knowledge: setup index
	$(VENV)/bin/python bench/knowledge_build.py
	$(VENV)/bin/python bench/knowledge_query.py

# 5, 20 and 50 concurrent citizens on what `make run` starts (RASA_SERVERS Rasa servers, everything
# in memory and SQLite), then on the production profile (as many Rasa servers, PostgreSQL, Redis).
bench-load: setup model index test-deps
	$(VENV)/bin/python bench/load.py --rasa-servers $(RASA_SERVERS) --py-spy
	$(VENV)/bin/python bench/load.py --profile production --rasa-servers $(RASA_SERVERS)

eval-knowledge: setup index
	$(VENV)/bin/python -m knowledge eval
	$(VENV)/bin/python -m knowledge eval --set heldout

# What citizens receive: every answer-level question sent to POST /api/chat on the real stack.
eval-answers: setup model index
	$(VENV)/bin/python bench/eval_answers.py

# Fit the passage and answer models on the dev sets' labels (writes knowledge/scoring.json).
fit-knowledge: setup index
	$(VENV)/bin/python -m knowledge fit

# Conversations older than CONVERSATION_RETENTION_DAYS (90) leave the store at DATABASE_URL.
purge: $(VENV)/.installed
	$(VENV)/bin/python -m api.conversations purge

clean:
	rm -rf var models .rasa
