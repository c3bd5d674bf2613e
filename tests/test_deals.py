"""The engine's side of the tariff block: flows, snap-backs, the retaliation ladder and
investment pledges judged over time (negotiation.deals)."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation import deals, run
from negotiation.config.resolve import resolve
from negotiation.history import RetaliationSet, SnappedBack, entries
from negotiation.model import TruceModel


def test_free_trade_flows_are_half_the_pair_trade_each_way():
    m = deals.free_trade_imports(resolve("busan_truce_2025"))
    assert m[0, 1] == pytest.approx(48.5 / 2) and m[1, 0] == pytest.approx(48.5 / 2)
    assert np.all(np.diag(m) == 0)


def test_an_unrenewed_u1_snaps_the_reciprocal_tariff_back_to_its_deferred_level():
    model = TruceModel("busan_truce_2025", rng=3, **{"negotiation.enabled": False})
    for _ in range(13):
        model.step()
    us, cn = model.index["US"], model.index["CN"]
    assert model.world.base_tariffs[us, cn] == pytest.approx(0.51 + 0.24)  # P6: 10 % -> 34 %
    assert [e.pledge for e in entries(model.log, SnappedBack)] == ["U1"]


def test_retaliation_climbs_a_ladder_to_its_ceiling_and_no_further():
    climbed = False
    for seed in range(12):
        result = run("busan_truce_2025", seed=seed)
        levels = {}
        for e in entries(result.log, RetaliationSet):
            pair = (e.country, e.target)
            before = levels.get(pair, 0.0)
            # one rung at a time, or to the partner's level (its mirror), within the room
            assert e.level <= before + 0.1 + 1e-9 or e.level <= 0.3 + 1e-9
            levels[pair] = e.level
            climbed |= e.level > 0.1 + 1e-9
        assert levels.get(("US", "CN"), 0.0) <= 0.63 - 0.51 + 1e-9
        assert levels.get(("CN", "US"), 0.0) <= 0.63 - 0.33 + 1e-9
    assert climbed


def test_one_misread_month_of_an_investment_pledge_is_not_a_defection():
    assert deals.disbursed([1.0, 1.0, 1.0, 1.0, 1.0], 0.0) == pytest.approx(5 / 6)
    assert deals.disbursed([None, None], 0.0) == 0.0
    assert deals.disbursed([0.0] * 5, 0.0) == 0.0


def test_misread_investment_pledges_no_longer_start_tariff_wars_between_allies():
    # issue 9: on one month's noisy reading the US put tariffs on Australia in 95 % of runs
    runs = [run("busan_truce_2025", seed=seed) for seed in range(30)]
    hit = sum(any(e.country == "US" and e.target == "AU" and e.level > 0 for e in entries(r.log, RetaliationSet))
              for r in runs)
    assert hit / len(runs) <= 0.2
