"""The world's state: instruments set from pledges honoured, allied capacity, dependency."""

import numpy as np
import pytest
from scipy.stats import poisson

from negotiation import load_scenario
from negotiation.world import World, poisson_quantile


def world(**overrides) -> World:
    return World.from_scenario(load_scenario("busan_truce_2025", overrides or None))


@pytest.mark.parametrize("lam", [0.05, 0.5, 2.0, 7.5])
def test_one_uniform_draw_gives_the_poisson_count_at_that_probability(lam):
    for u in np.linspace(0.001, 0.999, 41):
        assert poisson_quantile(float(u), lam) == int(poisson.ppf(u, lam))
    assert poisson_quantile(0.99, 0.0) == 0


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
    assert w.supplier_controls()[us] > lifted and w.pressure() > 0
    assert w.supplier_controls()[cn] == 0.0  # the supplier never controls itself


def test_invested_money_arrives_after_the_lead_time_and_capacity_stops_at_its_cap():
    w = world()
    start = w.allied_share
    w.invest(10.0, turn=3, lead_time=2, capacity_per_bn=0.001)
    w.grow(4, projects=0, project_size=0.01, cap=0.6)
    assert w.allied_share == start
    w.grow(5, projects=0, project_size=0.01, cap=0.6)
    assert w.allied_share == pytest.approx(start + 0.01)
    w.grow(6, projects=1000, project_size=0.01, cap=0.6)
    assert w.allied_share == 0.6 and w.china_share == pytest.approx(1.0 - 0.6 - w.other_share)


def test_without_leverage_decay_dependency_stays_where_it_started():
    w = world(**{"world.channels.leverage_decay": False})
    start = w.china_share
    w.grow(1, projects=20, project_size=0.01, cap=0.6)
    assert w.china_share == start and w.dependency_floor(0.6) == start
    moving = world()
    moving.grow(1, projects=20, project_size=0.01, cap=0.6)
    assert moving.china_share < start
