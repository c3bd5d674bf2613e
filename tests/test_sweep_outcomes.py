"""The columns a sweep may keep are declared ahead of any run, and are exactly those a run has."""

from __future__ import annotations

import pytest

from negotiation import run
from negotiation.config.shipped import builtin_scenarios
from negotiation.model import TruceModel
from negotiation.sweep import read_sweep
from negotiation.sweep.outcomes import outcome_columns, series_columns


@pytest.mark.parametrize("name", builtin_scenarios())
def test_the_declared_columns_are_those_a_run_produces(name):
    result = run(name, overrides={"turns": 2})
    assert outcome_columns(result.scenario) == [*result.outcome(), "turns"]
    declared = series_columns(result.scenario)
    record = result.records[0].as_row()
    assert list(declared) == [k for k in record if k != "turn"]
    assert declared == {k: type(v).__name__ for k, v in record.items() if k != "turn"}


def test_checking_a_sweep_file_runs_no_game(sweep_file, monkeypatch):
    def no_game(*args, **kwargs):
        raise AssertionError("checking a sweep file started a game")

    monkeypatch.setattr(TruceModel, "__init__", no_game)
    sweep = read_sweep(sweep_file())
    assert "payoff.A" in sweep.outcomes
