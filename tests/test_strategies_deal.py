"""Renewals bargained for real (negotiation.strategies.deal through the engine's talks): the
textbook reduction to Rubinstein (P20), counters and failed renewals in the default scenario."""

from __future__ import annotations

import pytest
import yaml

from negotiation import run
from negotiation.config.models import Scenario
from negotiation.config.resolve import data_root
from negotiation.history import OfferMade, entries
from negotiation.model import TruceModel
from negotiation.strategies.deal import transfer_to


def _two_country(delta_a: float, delta_b: float, **negotiation) -> Scenario:
    """The dilemma's two players with one renewable pledge each, due at turn 5."""
    data = yaml.safe_load((data_root() / "configs" / "scenarios" / "prisoners_dilemma.yaml").read_text())
    data["turns"] = 8
    data["games"] = []
    for cid, delta, (cost, value) in (("A", delta_a, (1.0, 3.0)), ("B", delta_b, (0.5, 2.0))):
        country = data["countries"][cid]
        country["preferences"]["patience"] = delta
        country["strategy"] = {"name": "tit_for_tat"}
        country["pledges"][0].update(end=5, renewable=True, cost=cost, value=value)
    data["negotiation"] = {"enabled": True, "rounds": 3, "renewal_window": 0, "renewal_term": 12, **negotiation}
    return Scenario.model_validate(data)


def _talks_at_renewal(scenario: Scenario):
    model = TruceModel(scenario, rng=1)
    for _ in range(5):
        model.step()
    offered = model.open_turn()
    bargain = model._views_at_talks["A"].bargains["B"]
    model.talks(offered).next()
    return bargain, entries(model.log, OfferMade, 5)


@pytest.mark.parametrize(("delta_a", "delta_b"), [(0.9, 0.8), (0.95, 0.95), (0.6, 0.99)])
def test_two_countries_split_the_renewal_as_rubinstein_to_1e9(delta_a, delta_b):
    bargain, talks = _talks_at_renewal(_two_country(delta_a, delta_b, split="rubinstein"))
    assert [(t.offer.proposer, t.verdict) for t in talks] == [("A", "accept")]  # the first offer is accepted
    surplus = bargain.gain + bargain.partner_gain
    kept = bargain.gain + transfer_to(talks[0].offer, "A")
    assert kept / surplus == pytest.approx((1 - delta_b) / (1 - delta_a * delta_b), abs=1e-9)


def test_with_few_rounds_the_last_proposer_takes_the_surplus_and_rounds_matter():
    shares = {}
    for rounds in (1, 2, 3):
        bargain, talks = _talks_at_renewal(_two_country(0.9, 0.8, rounds=rounds))
        assert talks[0].verdict == "accept"
        shares[rounds] = (bargain.gain + transfer_to(talks[0].offer, "A")) / (bargain.gain + bargain.partner_gain)
    assert shares[1] == pytest.approx(1.0) and shares[2] == pytest.approx(1 - 0.8) and shares[3] == pytest.approx(
        1 - 0.8 * (1 - 0.9))


def test_an_outside_option_larger_than_the_surplus_makes_the_renewal_fail():
    bargain, talks = _talks_at_renewal(_two_country(0.9, 0.8, outside_options={"B": 1000.0}))
    assert talks and talks[-1].verdict in ("reject", "counter")
    assert not any(t.verdict == "accept" for t in talks)


def test_counters_occur_in_the_default_scenario_and_renewals_can_fail():
    # seeded ensemble: China's soybean outside option (C5, P8) is private, so the US's first
    # offer undercuts it and is countered; renewals at T6 fail in some runs
    runs = [run("busan_truce_2025", seed=seed) for seed in range(40)]
    counters = [sum(t.verdict == "counter" for t in entries(r.log, OfferMade)) for r in runs]
    renewed = [any(t.turn == 12 and t.verdict == "accept" for t in entries(r.log, OfferMade)) for r in runs]
    assert sum(counters) / len(runs) >= 0.5
    assert 0.2 <= sum(renewed) / len(runs) <= 0.95
