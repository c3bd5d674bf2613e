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
