"""The tariff block: a terms-of-trade motive, the optimal tariff, Nash tariffs and the cost of a war."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from negotiation import tariffs as T

elasticity = st.floats(min_value=0.3, max_value=12.0, allow_nan=False)
tariff = st.floats(min_value=0.0, max_value=2.0, allow_nan=False)
flow = st.floats(min_value=0.1, max_value=100.0, allow_nan=False)


def two(t01=0.0, t10=0.0):
    return np.array([[0.0, t01], [t10, 0.0]])


def argmax_own_tariff(params, imports, other):
    """i = 0's welfare-maximising tariff on 1, found numerically (not from the formula)."""
    res = minimize_scalar(lambda t: -T.trade_welfare(two(t, other), imports, params)[0],
                          bounds=(0.0, 5.0), method="bounded", options={"xatol": 1e-10})
    return res.x


@settings(max_examples=60, deadline=None)
@given(eps=elasticity, eta=elasticity, other=tariff, m01=flow, m10=flow)
def test_the_welfare_maximising_tariff_is_one_over_the_export_supply_elasticity(eps, eta, other, m01, m10):
    params = T.TariffParams(export_supply_elasticity=eta, import_demand_elasticity=eps, welfare_scale=1.0)
    found = argmax_own_tariff(params, two(m01, m10), other)
    assert found == pytest.approx(1.0 / eta, abs=1e-5)
    assert T.optimal_tariff(params) == pytest.approx(1.0 / eta, rel=1e-15)


def test_the_calibrated_optimal_tariff_is_ossas_63_percent():
    assert T.optimal_tariff() == pytest.approx(0.63, rel=1e-12)
    assert argmax_own_tariff(T.DEFAULT_PARAMS, two(30.0, 10.0), 0.2) == pytest.approx(0.63, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(eps=elasticity, eta=elasticity, t01=tariff, t10=tariff, m01=flow, m10=flow)
def test_marginal_gain_and_partner_loss_are_the_derivatives_of_welfare(eps, eta, t01, t10, m01, m10):
    params = T.TariffParams(export_supply_elasticity=eta, import_demand_elasticity=eps, welfare_scale=1.3)
    m = two(m01, m10)
    h = 1e-6
    up = T.trade_welfare(two(t01 + h, t10), m, params)
    down = T.trade_welfare(two(t01 - h, t10) if t01 >= h else two(t01, t10), m, params)
    step = 2 * h if t01 >= h else h
    numeric = (up - down) / step
    assert T.marginal_gain(two(t01, t10), m, params)[0, 1] == pytest.approx(numeric[0], rel=1e-4, abs=1e-6)
    assert T.partner_marginal_loss(two(t01, t10), m, params)[0, 1] == pytest.approx(numeric[1], rel=1e-4, abs=1e-6)


def test_a_unilateral_tariff_pays_its_setter_and_costs_the_partner_more():
    m = two(40.0, 40.0)
    effect = T.tariff_change_effect(two(), m, 0, 1, T.optimal_tariff())
    assert effect[0] > 0, "the best response from free trade must pay"
    assert effect[1] < 0
    assert effect.sum() < 0, "the world loses: the setter gains less than the partner loses"
    assert T.marginal_gain(two(), m)[0, 1] > 0
    assert T.marginal_gain(two(0.9, 0.0), m)[0, 1] < 0, "beyond the optimal tariff a rise costs its setter"


def test_the_symmetric_two_country_nash_tariffs_are_mutual_best_responses_and_a_war_costs_both():
    m = two(25.0, 25.0)
    nash = T.nash_tariffs(m)
    assert nash[0, 1] == pytest.approx(1 / T.DEFAULT_PARAMS.export_supply_elasticity, rel=1e-15)
    assert nash[1, 0] == pytest.approx(nash[0, 1], rel=1e-15)
    at_nash = T.trade_welfare(nash, m)
    for dev in np.linspace(0.0, 2.0, 201):  # no unilateral deviation pays either side
        assert T.trade_welfare(two(dev, nash[1, 0]), m)[0] <= at_nash[0] + 1e-12
        assert T.trade_welfare(two(nash[0, 1], dev), m)[1] <= at_nash[1] + 1e-12
    assert np.all(at_nash < 0), "the trade war costs both against free trade"
    assert at_nash[0] == pytest.approx(at_nash[1], rel=1e-12)
    assert np.array_equal(T.best_response(nash, m), nash)


def test_the_calibration_hits_ossas_nash_tariff_and_war_loss_for_a_representative_country():
    share = T.WORLD_GOODS_TRADE_TO_GDP
    loss = T.war_loss(two(share, share), np.array([1.0, 1.0]))
    assert T.nash_tariffs(two(1.0, 1.0))[0, 1] == pytest.approx(0.63, rel=1e-12)
    assert loss == pytest.approx([0.029, 0.029], rel=1e-10)
    assert T.DEFAULT_PARAMS.welfare_scale == pytest.approx(1.47, abs=0.01)


@pytest.mark.parametrize("nash, loss, eps", [(0.4, 0.05, 3.0), (0.25, 0.01, 6.0), (1.0, 0.02, 1.0)])
def test_the_calibration_is_computed_so_other_targets_are_hit_too(nash, loss, eps):
    params = T.TariffParams.calibrated(nash_tariff=nash, war_loss=loss, import_demand_elasticity=eps,
                                       trade_to_gdp=0.3)
    assert T.nash_tariffs(two(1, 1), params)[0, 1] == pytest.approx(nash, rel=1e-12)
    assert T.war_loss(two(0.3, 0.3), np.ones(2), params) == pytest.approx([loss, loss], rel=1e-10)


def test_a_us_china_war_on_balanced_flows_costs_both_a_fraction_of_gdp():
    # P15 GDP and the engine's trade_exposure for the pair (USD bn per month)
    gdp = np.array([29_200.0, 18_800.0]) / 12
    m = T.balanced_imports(two(48.5, 48.5))
    loss = T.war_loss(m, gdp)
    assert np.all(loss > 0)
    assert np.all(loss < 0.029), "one bilateral war costs less than a war with every partner"


def test_on_unbalanced_flows_the_deficit_country_gains_from_a_mutual_war():
    # documented partial-equilibrium property (docs/bargaining.md): the US imports 438.9 and
    # exports 143.5 USD bn a year with China; its terms-of-trade gain on imports exceeds its loss
    gdp = np.array([29_200.0, 18_800.0]) / 12
    loss = T.war_loss(two(438.9 / 12, 143.5 / 12), gdp)
    assert loss[0] < 0 < loss[1]


@settings(max_examples=40, deadline=None)
@given(eps=elasticity, eta=elasticity, t01=tariff, t10=tariff, m01=flow, m10=flow)
def test_the_breakdown_adds_up_and_deadweight_is_never_negative(eps, eta, t01, t10, m01, m10):
    params = T.TariffParams(export_supply_elasticity=eta, import_demand_elasticity=eps, welfare_scale=1.0)
    b = T.welfare_breakdown(two(t01, t10), two(m01, m10), params)
    assert b.total == pytest.approx(b.terms_of_trade - b.deadweight, rel=1e-9, abs=1e-9)
    assert np.all(b.deadweight >= -1e-12)
    assert np.all(b.revenue >= 0) and np.all(b.consumer_surplus <= 0) and np.all(b.producer_surplus <= 0)


@settings(max_examples=40, deadline=None)
@given(eps=elasticity, eta=elasticity, t=tariff, observed=flow)
def test_free_trade_imports_invert_the_observed_value_at_the_tariffs_in_force(eps, eta, t, observed):
    params = T.TariffParams(export_supply_elasticity=eta, import_demand_elasticity=eps, welfare_scale=1.0)
    tariffs = two(t, 0.0)
    m0 = T.free_trade_imports(two(observed, 0.0), tariffs, params)
    value = T.world_price(tariffs, params) * T.import_quantity(tariffs, m0, params)
    assert value[0, 1] == pytest.approx(observed, rel=1e-12)


def test_welfare_is_continuous_through_unit_import_demand_elasticity():
    m, t = two(10.0, 5.0), two(0.3, 0.5)
    at_one = T.trade_welfare(t, m, T.TariffParams(1.5, 1.0, 1.0))
    near = T.trade_welfare(t, m, T.TariffParams(1.5, 1.0 + 1e-7, 1.0))
    assert at_one == pytest.approx(near, rel=1e-6)


def test_pair_specific_elasticities_give_pair_specific_best_responses_vectorised_over_five_countries():
    rng = np.random.default_rng(7)
    eta = rng.uniform(0.5, 4.0, size=(5, 5))
    params = T.TariffParams(export_supply_elasticity=eta, import_demand_elasticity=4.0, welfare_scale=1.0)
    m = rng.uniform(0.0, 50.0, size=(5, 5))
    br = T.best_response(np.zeros((5, 5)), m, params)
    off = ~np.eye(5, dtype=bool)
    assert np.allclose(br[off], 1.0 / eta[off], rtol=1e-15) and np.all(np.diag(br) == 0)
    assert np.allclose(T.marginal_gain(br, m, params)[off], 0.0, atol=1e-12)
    assert T.trade_welfare(br, m, params).shape == (5,)


def test_pair_welfare_matches_the_array_api():
    w = T.pair_welfare(0.2, 0.34, 36.6, 12.0)
    arr = T.trade_welfare(two(0.2, 0.34), two(36.6, 12.0))
    assert w == pytest.approx(tuple(arr), rel=1e-15)


@pytest.mark.parametrize("tariffs, imports, message", [
    (two(-1.0, 0.0), two(1.0, 1.0), "above -100"),
    (two(), two(-1.0, 1.0), "non-negative"),
    (np.zeros((2, 3)), np.zeros((2, 3)), "n x n"),
])
def test_bad_input_is_refused_with_a_message(tariffs, imports, message):
    with pytest.raises(ValueError, match=message):
        T.trade_welfare(tariffs, imports)
