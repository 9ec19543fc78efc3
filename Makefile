# Warta: every command a user or CI needs. Each target creates .venv when needed.
VENV   ?= .venv
PY     := $(VENV)/bin/python
DATA   ?= ../shared/data
N      ?= 2000

.PHONY: run test models cleaner bench bench-clean bench-relations bench-ner stem-accuracy soak scaling stanza-models compare-backends clean-venv

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

## make run: annotate seeds/ into out/seeds.jsonl
run: $(VENV)/.installed
	mkdir -p out
	$(VENV)/bin/warta annotate seeds/ -o out/seeds.jsonl

## make test: the whole test suite
test: $(VENV)/.installed
	$(PY) -m pytest -q

## make models: retrain models/id_warta_news from the public data in $(DATA)
models: $(VENV)/.installed
	$(PY) -m pip install -q -e ".[train]"
	$(VENV)/bin/warta train --data $(DATA) --out models/id_warta_news

## make cleaner: retrain models/cleaner and print its leave-one-site-out table
cleaner: $(VENV)/.installed
	$(VENV)/bin/warta train-cleaner --data $(DATA) --out models/cleaner

## make stanza-models: train the Stanza backend's models (models/stanza_id, not committed) from $(DATA)
stanza-models: $(VENV)/.installed
	$(PY) -m pip install -q -e ".[stanza,train]"
	$(VENV)/bin/warta train-stanza --data $(DATA) --out models/stanza_id

## make compare-backends: spaCy vs Stanza vs mixed backend, one run, same documents
compare-backends: $(VENV)/.installed
	$(PY) -m pip install -q -e ".[stanza]"
	$(PY) bench/compare_backends.py --data $(DATA) --stanza models/stanza_id --json out/backends.json --markdown out/backends.md

## make bench: throughput and memory on the first $(N) articles of the CLICK-ID dump
bench: $(VENV)/.installed
	$(PY) bench/throughput.py --data $(DATA) --limit $(N)

## make soak: the Dask memory soak, 2 workers on DOCS documents, every sample traced (not in CI; about an hour)
DOCS   ?= 100000
soak: $(VENV)/.installed
	mkdir -p out
	$(PY) bench/soak.py --data $(DATA) --docs $(DOCS) --workers 2 --sample 10 --trace out/soak-trace.jsonl --json out/soak.json

## make scaling: single process vs 2 independent processes vs Dask with 2 workers, interleaved in ROUNDS rounds on SCALE_DOCS documents
SCALE_DOCS ?= 1000
ROUNDS ?= 3
scaling: $(VENV)/.installed
	$(PY) bench/soak.py --data $(DATA) --docs $(SCALE_DOCS) --workers 2 --baseline --ceiling 2 --rounds $(ROUNDS)

## make bench-clean: cleaner speed and its leave-one-site-out table vs jusText, trafilatura, keep-10-words, rules
bench-clean: $(VENV)/.installed
	$(PY) bench/clean_bench.py --data $(DATA) --cv

## make bench-ner: idner-news-2k dev, the model alone vs the whole pipeline (whole file and halves)
bench-ner: $(VENV)/.installed
	$(PY) bench/ner_vs_model.py --gold $(DATA)/idner-news-2k/dev.txt

## make bench-relations: relations-dev scores (untouched part, whole, tuning part) and the per-pattern report
bench-relations: $(VENV)/.installed
	$(PY) bench/relations_report.py --data $(DATA) --patterns --part all

## make stem-accuracy: stems against the UD lemma pairs, split by source
stem-accuracy: $(VENV)/.installed
	$(PY) scripts/stem_accuracy.py --data $(DATA)

clean-venv:
	rm -rf $(VENV)
