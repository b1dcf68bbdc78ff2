# Fuzzing edubadge (atheris/libFuzzer; docs/security.md). Linux x86-64, Python 3.11/3.12.
#   make fuzz                      every target for FUZZ_SECONDS each, figures in fuzz-report.json
#   make fuzz-short                every target for FUZZ_RUNS executions (what CI runs)
#   make fuzz-one TARGET=verify_json FUZZ_SECONDS=600
#   make mutations                 bench.mutations, table written into docs/security.md
PYTHON ?= .venv/bin/python
FUZZ_SECONDS ?= 240
FUZZ_RUNS ?= 2000
FUZZ_WORK ?= fuzz-work
TARGET ?= verify_json

.PHONY: fuzz fuzz-short fuzz-one mutations

fuzz:
	$(PYTHON) -m fuzz all --seconds $(FUZZ_SECONDS) --work $(FUZZ_WORK) --report fuzz-report.json

fuzz-short:
	$(PYTHON) -m fuzz all --runs $(FUZZ_RUNS) --work $(FUZZ_WORK) --report fuzz-report.json

fuzz-one:
	$(PYTHON) -m fuzz all --only $(TARGET) --seconds $(FUZZ_SECONDS) --work $(FUZZ_WORK)

mutations:
	$(PYTHON) -m bench.mutations --per-case 1000 --write-docs
