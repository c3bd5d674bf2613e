"""The world's state: instruments set from pledges honoured, and the processing shares the
rare-earth market leaves it (capacity itself is the market's: tests/test_supply.py)."""

import pytest

from negotiation import load_scenario, run
from negotiation.world import World


def world(**overrides) -> World:
    return World.from_scenario(load_scenario("busan_truce_2025", overrides or None))


def test_a_tariff_cut_honoured_lowers_the_givers_tariff_by_its_level_and_defection_restores_it():
    w = world()
    us, cn = w.ids.index("US"), w.ids.index("CN")
    base = w.base_tariffs[us, cn]
    w.apply_levels({"U1": 1.0})
    assert w.tariffs[us, cn] == pytest.approx(max(0.0, base - 0.10))
    w.apply_levels({"U1": 0.5})
    assert w.tariffs[us, cn] == pytest.approx(max(0.0, base - 0.05))
    w.retaliation[us, cn] = 0.2
    w.apply_levels({"U1": 0.0})
    assert w.tariffs[us, cn] == pytest.approx(base + 0.2)


def test_the_supplier_lifts_its_export_controls_only_while_it_honours_the_pledge():
    w = world()
    us, cn = w.ids.index("US"), w.ids.index("CN")
    assert w.supplier == cn
    w.apply_levels({"C1": 1.0})
    lifted = w.supplier_controls()[us]
    w.apply_levels({})
    assert w.supplier_controls()[us] > lifted
    assert w.supplier_controls()[cn] == 0.0  # the supplier never controls itself


def test_the_shares_start_at_the_profiles_processing_shares():
    w = world()
    # P3: China 91 %, the allies (US 1, JP 1, AU 4, EU 1) 7 %, the rest of the world 2 %
    assert (w.china_share, w.allied_share, w.other_share) == pytest.approx((0.91, 0.07, 0.02))


def test_without_leverage_decay_dependency_stays_where_it_started():
    frozen = run("busan_truce_2025", seed=2, overrides={"world.channels.leverage_decay": False}).timeline
    assert frozen["china_share"].tolist() == pytest.approx([0.91] * len(frozen))
    moving = run("busan_truce_2025", seed=2).timeline
    assert moving["china_share"].iloc[-1] < 0.91 - 0.02
