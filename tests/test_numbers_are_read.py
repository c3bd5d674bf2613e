"""Every number a shipped scenario or country profile states is read when a game is played:
a cited figure the engine ignores is a bug (or must be removed).

Reads are recorded on the validated configuration models while each shipped scenario runs
(two seeds, so rarer branches such as a collapse are reached) and its seats are scored; a
field counts as read for every file that sets it. The figures only the rare-earth market
reads (``negotiation.market``, not yet wired into the engine: issue 10) are listed apart, and
the test fails as soon as one of them is read, so the list can only shrink.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from negotiation import run
from negotiation.config import models
from negotiation.config.resolve import builtin_scenarios, resolve

# metadata, not figures of the model
NOT_FIGURES = {("Scenario", "seed"), ("Scenario", "turns")}


def _set_numbers(node: Any, owner: BaseModel | None = None, field: str = "") -> Iterator[tuple[str, str]]:
    """(model class, field) of every number set explicitly in a validated configuration."""
    if isinstance(node, BaseModel):
        for name in node.model_fields_set:
            yield from _set_numbers(getattr(node, name), node, name)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _set_numbers(value, owner, field)
    elif isinstance(node, list):
        for value in node:
            yield from _set_numbers(value, owner, field)
    elif isinstance(node, int | float) and not isinstance(node, bool) and owner is not None:
        yield type(owner).__name__, field


@pytest.fixture(scope="module")
def reads() -> set[tuple[str, str]]:
    from negotiation import scoring

    seen: set[tuple[str, str]] = set()
    plain = object.__getattribute__

    def recording(self: BaseModel, name: str) -> Any:
        cls = plain(self, "__class__")
        if name in cls.model_fields:
            seen.add((cls.__name__, name))
        return plain(self, name)

    scenarios = [resolve(name) for name in builtin_scenarios()]
    models.Strict.__getattribute__ = recording  # type: ignore[method-assign,assignment]
    try:
        for scenario in scenarios:
            for seed in (1, 2):
                result = run(scenario, seed=seed)
                for country in scenario.scoring.objectives:
                    scoring.score(result, country).total  # noqa: B018 - what a debrief reads
                for country in scenario.countries:
                    scenario.seat_visibility(country).noise  # noqa: B018 - what a noisy screen reads
    finally:
        del models.Strict.__getattribute__
    return seen


@pytest.mark.parametrize("name", builtin_scenarios())
def test_every_number_a_shipped_scenario_and_its_profiles_state_is_read(name, reads):
    stated = set(_set_numbers(resolve(name))) - NOT_FIGURES
    assert sorted(stated - reads) == []
