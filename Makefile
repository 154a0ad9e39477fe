# sitroom — `make demo` on a fresh machine, `make test` for every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test eval timebank bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install                       ## one report's facts, then our reports in sitroom.db, its situation, and the web app
	$(BIN)/sitroom extract examples/reports/kharkiv-evacuation.txt --format table
	$(BIN)/sitroom ingest examples/reports/*.txt --db sitroom.db --quiet
	$(BIN)/sitroom report --db sitroom.db | head -n 40
	$(BIN)/sitroom serve --db sitroom.db

test: install                       ## every test (installs Debian's chromium and postgresql when missing)
	sh scripts/install-system-deps.sh
	$(BIN)/python -m pytest -q

eval: install                       ## F1 per field: ../shared/examples, the real corpus (dev, test), our own reports, agreement
	$(BIN)/python benchmarks/eval_examples.py --quiet | tail -n 10
	$(BIN)/python benchmarks/eval_corpus.py
	$(BIN)/sitroom eval examples/reports/gold.jsonl --quiet | tail -n 10
	$(BIN)/python benchmarks/agreement.py | tail -n 10

timebank: install                   ## TempEval-3 scores on the French TimeBank
	$(BIN)/sitroom eval ../shared/benchmarks/french-timebank

bench: install                      ## throughput and memory
	$(BIN)/python benchmarks/throughput.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
