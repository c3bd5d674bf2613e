# `make run` installs and runs the default scenario; `make test` installs and runs the tests.
.PHONY: run test bench browser

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
# download is not used); install it when missing (CI runs as root on a fresh machine)
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: .venv/.installed-test browser
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/python -m pytest

bench: .venv/.installed-run
	.venv/bin/python benchmarks/run_speed.py
	.venv/bin/python benchmarks/classroom_load.py
