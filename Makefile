# `make run` installs and runs the default scenario; `make test` installs and runs the tests.
.PHONY: run test lint bench

.venv/.installed-run: pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh
	touch $@

.venv/.installed-test: pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh "[test]"
	touch $@

run: .venv/.installed-run
	.venv/bin/negotiation run

test: .venv/.installed-test
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/python -m pytest

bench: .venv/.installed-run
	.venv/bin/python benchmarks/run_speed.py
