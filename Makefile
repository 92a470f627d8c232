# Every target installs what it needs first: a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint screenshots benchmarks matrix compliance policy-chapter clean installer \
	installer-test

$(STAMP): pyproject.toml Makefile installer/install_system_libs.sh resources/map/package-lock.json
	bash installer/install_system_libs.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	npm ci --prefix resources/map --no-audit --no-fund
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rtic-console demo $(DEMO_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check rtic_console tests benchmarks db installer
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m rtic_console.ui.screenshots docs/screenshots

matrix: $(STAMP)
	$(BIN)/rtic-console compliance

# After a full `make test`: the committed matrix, docs/COMPLIANCE.md, its data and the user
# guide's policy chapter, all from the same run.
compliance: $(STAMP)
	$(BIN)/rtic-console compliance --markdown docs/COMPLIANCE.md \
		--data docs/compliance-matrix.json --guide USER_GUIDE.md

# The guide's policy chapter again from the committed matrix (after editing the guide's
# headings, which the chapter links to); no test run needed.
policy-chapter: $(STAMP)
	$(BIN)/rtic-console compliance --from-data docs/compliance-matrix.json --guide USER_GUIDE.md

benchmarks: $(STAMP)
	status=0; for b in benchmarks/bench_*.py; do $(BIN)/python $$b || status=1; done; exit $$status

# The packaged application (dist/rtic-console/) and the Debian package (dist/*.deb); not
# part of `make test` (several minutes: see README "Installing for a department").
INSTALLER_STAMP := $(VENV)/.installer-stamp
$(INSTALLER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,installer]'
	touch $(INSTALLER_STAMP)

installer: $(INSTALLER_STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller installer/rtic-console.spec
	bash installer/linux/build_deb.sh dist/rtic-console dist

# Runs the built folder offscreen and its CLI, then installs the .deb on this machine,
# posts a read to its ingest service and purges it again (needs root).
installer-test: $(INSTALLER_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python installer/installer_test.py dist

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
