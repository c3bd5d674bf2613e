"""The notebook API: load a scenario, override it, run it, get a result.

>>> from negotiation import load_scenario, run
>>> result = run("busan_truce_2025", seed=7, overrides={"world.allied_growth": 0.02})
>>> result.timeline.head()
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from negotiation.config.models import Scenario
from negotiation.config.resolve import DEFAULT_SCENARIO, resolve, with_overrides
from negotiation.model import TruceModel
from negotiation.results import RunResult


def load_scenario(name_or_path: str | Path = DEFAULT_SCENARIO, overrides: dict[str, Any] | None = None) -> Scenario:
    """A validated scenario: a built-in name or a YAML path, with dotted-key overrides."""
    return resolve(name_or_path, overrides or None)


def run(scenario: Scenario | str | Path = DEFAULT_SCENARIO, seed: int | None = None,
        overrides: dict[str, Any] | None = None, collect: bool = False) -> RunResult:
    """Run one game to its end. ``seed`` defaults to the scenario's own seed."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        scenario = with_overrides(scenario, overrides)
    seed = scenario.seed if seed is None else seed
    model = TruceModel(scenario, rng=seed, collect=collect)
    model.run()
    return RunResult.from_model(model, seed)
