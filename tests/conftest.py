"""Shared fixtures: small scenarios written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

PD_SCENARIO = """\
name: tiny_pd
turns: {turns}
turn_label: round
negotiation: {{enabled: false}}
countries:
  A:
    id: A
    name: Player A
    strategy: {{name: {a}}}
    preferences: {{patience: {delta}, weights: {{trade: 0, security: 0, investment: 0}}}}
    pledges: [{{id: a, to: B, instrument: measure, end: {turns}, noise: {noise}, major: true, source: P13}}]
  B:
    id: B
    name: Player B
    strategy: {{name: {b}}}
    preferences: {{patience: {delta}, weights: {{trade: 0, security: 0, investment: 0}}}}
    pledges: [{{id: b, to: A, instrument: measure, end: {turns}, noise: {noise}, major: true, source: P13}}]
games: [{{players: [A, B], T: 5, R: 3, P: 1, S: 0}}]
"""


@pytest.fixture
def write(tmp_path: Path):
    """Write text to a file in a temporary folder and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def pd_file(write):
    """A two-player prisoner's dilemma scenario with chosen strategies, patience and noise."""

    def _make(a: str = "tit_for_tat", b: str = "tit_for_tat", turns: int = 20, delta: float = 0.9,
              noise: float = 0.0) -> Path:
        return write(f"pd_{a}_{b}.yaml", PD_SCENARIO.format(a=a, b=b, turns=turns, delta=delta, noise=noise))

    return _make


SWEEP = """\
name: tiny
scenario: prisoners_dilemma
set:
  turns: {turns}
  countries.A.strategy.name: self_enforcing
  countries.A.pledges.0.noise: 0.05
parameters:
  countries.A.preferences.patience:
    values: [0.3, 0.45, 0.5, 0.7]
  countries.B.strategy.name:
    values: [grim_trigger, tit_for_tat]
design: {{kind: grid}}
replications: {replications}
seed: 7
"""


@pytest.fixture
def sweep_file(write):
    """A small, fast sweep over the prisoner's dilemma (8 points), with a little noise."""

    def _make(replications: int = 3, turns: int = 20, text: str | None = None) -> Path:
        return write("tiny.yaml", text or SWEEP.format(replications=replications, turns=turns))

    return _make


def pytest_terminal_summary(terminalreporter):
    """The fuzz test's figures (inputs tried, slowest answer), when it ran in this session."""
    import sys

    fuzz = sys.modules.get("tests.test_fuzz_inputs")
    if fuzz is not None and fuzz.STATS["inputs"]:
        terminalreporter.write_line(fuzz.report())
