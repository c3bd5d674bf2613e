"""The outcome and per-turn columns a run produces, known from the scenario before any run.

A sweep file names the columns it keeps; checking those names must not run a game, so the
columns are declared here. ``tests/test_sweep_spec.py`` holds them equal to what a real run
produces (``RunResult.outcome()`` and the model's per-turn records), so a change in the engine
that adds or renames a column fails there first.
"""

from __future__ import annotations

from negotiation.config.models import Scenario
from negotiation.history import (
    COUNTRY_COLUMNS,
    COVER_COLUMN,
    MARKET_COLUMNS,
    MARKET_PRICES,
    MARKET_SHARES,
    SHARE_COLUMN,
)

# RunResult.outcome(): the truce, the end state, the talks, then one payoff per country
_OUTCOMES = ("held", "collapsed", "collapse_turn", "collapse_cause", "collapse_country", "breaches", "recoveries",
             "cooperation_rate", "mutual_defection_turns", "break_turn", "breaker", "break_pledge", "break_cause",
             "allied_share", "china_share", "counter_offers", "renewals_agreed", "renewals_failed", "renewal_turn",
             "renewal_links", "renewal_surplus")
# the model's per-turn record: world columns, then these per country (all floats)
_SERIES = {"status": "str", "allied_share": "float", "china_share": "float", "pledges_honoured": "int",
           "pledges_active": "int"}
_PER_COUNTRY = COUNTRY_COLUMNS  # the fields of history.CountryTurn


def _importers(scenario: Scenario) -> list[str] | None:
    """The countries the rare-earth market keeps stocks for (all but the supplier), or None
    when the scenario has no supplier and so no market."""
    supplier = next((cid for cid, c in scenario.countries.items() if c.instruments.controls_supply), None)
    return None if supplier is None else [cid for cid in scenario.countries if cid != supplier]


def outcome_columns(scenario: Scenario) -> list[str]:
    """The outcome columns of a run of ``scenario`` (``turns`` included, as sweep tables keep it)."""
    columns = [*_OUTCOMES, *(f"{SHARE_COLUMN}.{cid}" for cid in scenario.countries),
               *(f"payoff.{cid}" for cid in scenario.countries)]
    importers = _importers(scenario)
    if importers is not None:  # the market: prices over the run, allied shares and stocks at the end
        columns += [*MARKET_PRICES, *MARKET_SHARES, *(f"{COVER_COLUMN}.{cid}" for cid in importers)]
    return [*columns, "turns"]


def series_columns(scenario: Scenario) -> dict[str, str]:
    """Per-turn column -> 'bool', 'int', 'float' or 'str', in the order the records hold them."""
    columns = dict(_SERIES)
    for cid in scenario.countries:
        columns.update({f"{name}.{cid}": "float" for name in _PER_COUNTRY})
    importers = _importers(scenario)
    if importers is not None:
        columns.update({name: "float" for name in MARKET_COLUMNS})
        columns.update({f"{COVER_COLUMN}.{cid}": "float" for cid in importers})
    return columns
