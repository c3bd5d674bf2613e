"""Every number shipped in agents/ and configs/ cites a fact id or names its source."""

from pathlib import Path

import pytest

from negotiation.config.resolve import data_root
from negotiation.config.sources import is_source, unsourced
from negotiation.config.yamlio import read_yaml

SHIPPED = sorted((data_root() / "agents").glob("*.yaml")) + sorted((data_root() / "configs").rglob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(data_root())))
def test_every_shipped_number_has_a_source(path: Path):
    data, _ = read_yaml(path)
    assert unsourced(data, str(path)) == []


def test_a_number_without_a_source_is_reported_with_how_to_fix_it():
    problems = unsourced({"id": "X", "resources": {"mining_share": 0.2}, "sources": {}}, "x.yaml")
    assert problems == ["x.yaml: resources.mining_share: a number without a source; "
                        "add 'sources: {resources.mining_share: <fact id>}'"]


def test_a_pledge_source_covers_its_dates_and_level_but_not_its_cost():
    data = {"pledges": [{"id": "C5", "level": 25, "start": 0, "end": 36, "cost": 0.25, "source": "C5"}]}
    assert [p.split(": ")[1] for p in unsourced(data, "cn.yaml")] == ["pledges.C5.cost"]


def test_an_override_in_a_scenario_needs_its_own_source():
    data = {"countries": {"CN": {"profile": "china", "preferences": {"patience": 0.3}}}, "sources": {}}
    assert unsourced(data, "s.yaml") == ["s.yaml: countries.CN.preferences.patience: a number without a source"]


@pytest.mark.parametrize(("text", "ok"), [("F1", True), ("P8: 24 Mt = USD 12.8 bn", True),
                                          ("model: a guess, documented", True), ("public: USDA 2024", True),
                                          ("F99", False), ("my guess", False), (None, False)])
def test_what_counts_as_a_source(text, ok):
    assert is_source(text) is ok


def test_a_source_on_a_list_covers_every_value_in_it():
    data = {"parameters": {"world.noise_scale": {"values": [0, 1, 2]}},
            "sources": {"parameters.world.noise_scale.values": "model: the range studied"}}
    assert unsourced(data, "sweep.yaml") == []
