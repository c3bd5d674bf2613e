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


def test_a_link_bounds_its_instrument_not_each_package():
    # U1's link carries at most the 10 fentanyl points left after the truce's cut (P6): the T6
    # package links them, and C8's renewal at T7 cannot link them again while they are in force
    for seed in range(8):
        model = TruceModel("busan_truce_2025", rng=seed)
        most = {link.like: link.max_units for link in model.config.negotiation.links}
        while model.running:
            model.step()
            linked: dict[str, float] = {}
            for p in model.world.pledges:
                if p.spec.extends and p.start <= model.turn < p.end:
                    linked[p.spec.extends] = linked.get(p.spec.extends, 0.0) + p.spec.level
            assert all(units <= most[like] + 1e-9 for like, units in linked.items()), (seed, model.turn, linked)


def test_the_links_are_priced_by_the_payoff_rules_at_the_renewal():
    model = TruceModel("busan_truce_2025", rng=4)
    for _ in range(12):
        model.step()
    bargain = deals.bargain(model, model.index["US"], model.index["CN"])
    links = {link.like: link for link in bargain.links}
    # C5: its stated worth per Mt/yr (1.11 and 0.25 a month for 25 Mt/yr), the value weighted by trust
    trust = float(model.world.trust[model.index["US"], model.index["CN"]])
    assert links["C5"].value == pytest.approx(1.11 / 25 * trust) and links["C5"].cost == pytest.approx(0.25 / 25)
    # U1: a further cut is worth more to China than it costs the US (the terms-of-trade motive)
    assert links["U1"].max_units == pytest.approx(0.10) and links["U1"].value > links["U1"].cost > 0
