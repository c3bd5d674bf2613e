"""Every shipped scenario validates and runs to its last turn (the conformance test)."""

import pytest

from negotiation import run
from negotiation.config.resolve import builtin_scenarios
from negotiation.config.validate import validate_path


@pytest.mark.parametrize("name", builtin_scenarios())
def test_every_shipped_scenario_runs_to_the_end(name):
    assert validate_path(name) == []
    result = run(name)
    assert len(result.records) == result.scenario.turns
    assert set(result.totals) == set(result.scenario.countries)
    assert all(r.status in ("holds", "strained", "breached", "collapsed") for r in result.records)
    assert result.timeline["allied_share"].between(0, 1).all()


def test_the_shipped_scenarios_include_the_four_the_game_promises():
    assert {"busan_truce_2025", "rare_earth_shock", "allied_fast_track", "prisoners_dilemma"} <= set(
        builtin_scenarios())


def test_allied_fast_track_grows_allied_capacity_faster_than_the_default():
    default, fast = run("busan_truce_2025"), run("allied_fast_track")
    assert fast.timeline["allied_share"].iloc[11] > default.timeline["allied_share"].iloc[11] + 0.1
