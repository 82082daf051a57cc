# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test clean schema precision golden bench fuzz bench-big

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The bundled form leaves one halt condition empty: the cycle stops naming it (exit 1), which is the demo.
run: $(STAMP)
	-$(BIN)/protolint cycle fixtures/forms/protocol-input-form-11-deployment-b999fbd.yaml -o .cursor/ai-driven-workflow/11-production-deployment.md --project-root fixtures/project --force

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) dist build

# Regenerate the shipped pack schema after adding or changing a check kind or fix action,
# and the parsed copy of the shipped packs after editing one.
schema: $(STAMP)
	$(BIN)/python -m protolint.schema > linter/protolint/schemas/pack.schema.json
	$(BIN)/python -m protolint.shipped > linter/protolint/shipped.json

# Publish each rule's measured precision after relabelling tests/data/finding-labels.tsv.
precision: $(STAMP)
	$(BIN)/python -m protolint.precision tests/data/finding-labels.tsv .

# Rewrite fixtures/generated/ and tests/data/report-run/golden/ after a deliberate change to what the
# generator or a report writes; read the diff.
golden: $(STAMP)
	PROTOLINT_WRITE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py tests/test_report_golden.py

# Speed as ratios and rates in one run (docs/performance.md records the results).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# Fuzz documents, packs, forms and configurations for longer than `make test` does.
fuzz: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_fuzz.py tests/test_backends.py --hypothesis-profile=fuzz

# Time and peak memory of a check on 10 MB documents of each shape (docs/performance.md).
bench-big: $(STAMP)
	$(BIN)/python benchmarks/big_documents.py
