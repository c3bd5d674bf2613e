# `make run` installs and runs the default scenario; `make test` installs and runs the tests.
.PHONY: run test typecheck bench browser

.venv/.installed-run: pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh
	touch $@

# the test extra plus the EMA Workbench adapter's extra, so its tests run rather than skip
.venv/.installed-test: pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh "[test,ema]"
	touch $@

run: .venv/.installed-run
	.venv/bin/negotiation run

# the browser tests drive Debian's chromium through Playwright (Playwright's own browser
# download is not used). Installed when missing and we can (root with apt-get, as on CI);
# otherwise the browser tests are skipped with a notice, except under CI=true, where they fail.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	elif [ "$$CI" = true ]; then \
		echo "chromium is missing and cannot be installed (needs root and apt-get); CI=true requires the browser tests" >&2; \
		exit 1; \
	else \
		echo "NOTICE: chromium is missing and cannot be installed here (needs root and apt-get):"; \
		echo "NOTICE: the browser tests (tests/test_web_browser.py) will be SKIPPED."; \
	fi

# ruff, the import contracts of [tool.importlinter] (docs/architecture.md), mypy over src/
# ([tool.mypy]), then the tests
test: .venv/.installed-test browser
	.venv/bin/ruff check src tests benchmarks scripts
	.venv/bin/lint-imports
	.venv/bin/mypy
	.venv/bin/python -m pytest

typecheck: .venv/.installed-test
	.venv/bin/mypy

bench: .venv/.installed-run
	.venv/bin/python benchmarks/run_speed.py
	.venv/bin/python benchmarks/classroom_load.py
	.venv/bin/python benchmarks/import_time.py
