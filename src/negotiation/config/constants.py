"""Numbers the scenario schema and the command line share (cheap to import: no pydantic)."""

from __future__ import annotations

# Turns are months: yearly figures (investment budgets, growth rates) are divided by this
TURNS_PER_YEAR = 12
# the calendar's months, for dates ('2026-11'); a turn spans MONTHS_PER_TURN of them
MONTHS_PER_YEAR = 12
MONTHS_PER_TURN = MONTHS_PER_YEAR // TURNS_PER_YEAR
# the longest game a scenario or --turns may ask for
MAX_TURNS = 1000
