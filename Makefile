# liveblog: the two commands are `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := captures/cnn-2023-07-08-russia-ukraine.txt
SAMPLE_URL := https://www.cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23/
export TZ := UTC
export LC_ALL := C.UTF-8

.PHONY: site test serve bench golden clean check screenshots fuzz

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

site: $(BIN)/.installed
	$(BIN)/liveblog import $(SAMPLE) --source-url $(SAMPLE_URL) --captured-at unknown
	$(BIN)/liveblog build

serve: $(BIN)/.installed
	$(BIN)/liveblog serve

check: site
	$(BIN)/liveblog check public

screenshots: site
	bash scripts/install-test-deps.sh
	$(BIN)/python scripts/screenshots.py public docs/screenshots

test: $(BIN)/.installed
	bash scripts/install-test-deps.sh
	$(BIN)/ruff check generator tests bench scripts
	$(BIN)/mypy generator
	$(BIN)/python -m pytest -q

bench: $(BIN)/.installed
	# An editable install leaves no bytecode; compile it as a regular install would.
	$(BIN)/python -m compileall -q generator
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# import → build → import → verify on generated captures (tests/roundtrip.py); counts by outcome.
FUZZ_EXAMPLES ?= 10000
fuzz: $(BIN)/.installed
	$(BIN)/python scripts/fuzz.py --examples $(FUZZ_EXAMPLES) $(FUZZ_ARGS)

golden: $(BIN)/.installed
	# Every golden file: the sample site and content, and each importer's fixtures.
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests -k golden

clean:
	rm -rf public public.tmp-* fuzz-bugs $(VENV) node_modules .pytest_cache .mypy_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
