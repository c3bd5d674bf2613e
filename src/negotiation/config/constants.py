"""Numbers the scenario schema and the command line share (cheap to import: no pydantic)."""

from __future__ import annotations

# Turns are months: yearly figures (investment budgets, growth rates) are divided by this
TURNS_PER_YEAR = 12
# the longest game a scenario or --turns may ask for
MAX_TURNS = 1000
