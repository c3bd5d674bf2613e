"""The documentation keeps up with the code: every parameter is explained in docs/model.md."""

import re

import pytest

from negotiation.config import models
from negotiation.config.resolve import data_root

MODELS = [models.Scenario, models.World, models.MarketSettings, models.Negotiation, models.Event, models.Game,
          models.Country, models.Resources, models.Instruments, models.Preferences, models.Weights, models.StrategySpec,
          models.Pledge, models.Visibility, models.Scoring, models.Objective]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_parameter_is_documented_in_model_md(model):
    text = (data_root() / "docs" / "model.md").read_text(encoding="utf-8")
    missing = [f for f in model.model_fields if not re.search(rf"[`.]{f}`", text)]
    assert missing == [], f"docs/model.md does not explain {model.__name__}.{missing}"


def test_every_strategy_is_in_the_strategy_table():
    from negotiation.strategies import REGISTRY

    text = (data_root() / "docs" / "model.md").read_text(encoding="utf-8")
    assert [n for n in REGISTRY if f"| `{n}` |" not in text] == []
