"""The payoff rules, checked with plain numbers."""

import numpy as np
import pytest

from negotiation import payoffs, tariffs


@pytest.mark.parametrize(("a", "b", "expected"), [
    (1, 1, (3, 3)), (1, 0, (0, 5)), (0, 1, (5, 0)), (0, 0, (1, 1)),
])
def test_game_payoff_reproduces_the_prisoners_dilemma_table(a, b, expected):
    assert payoffs.game_payoff(a, b, T=5, R=3, P=1, S=0) == expected


def test_game_payoff_is_not_additive():
    # T + S != R + P in the textbook table: no sum of per-pledge terms can produce it
    ua_cc, _ = payoffs.game_payoff(1, 1, 5, 3, 1, 0)
    ua_dd, _ = payoffs.game_payoff(0, 0, 5, 3, 1, 0)
    ua_cd, _ = payoffs.game_payoff(1, 0, 5, 3, 1, 0)
    ua_dc, _ = payoffs.game_payoff(0, 1, 5, 3, 1, 0)
    assert ua_cc + ua_dd != ua_cd + ua_dc


def test_half_honoured_levels_interpolate_between_outcomes():
    ua, ub = payoffs.game_payoff(0.5, 0.5, 5, 3, 1, 0)
    assert ua == ub == pytest.approx((3 + 0 + 5 + 1) / 4)


def test_pledge_terms_give_value_to_receiver_and_cost_to_giver():
    out = payoffs.pledge_terms(3, np.array([0, 1]), np.array([1, 2]), np.array([1.0, 0.5]),
                               costs=np.array([2.0, 4.0]), values=np.array([10.0, 6.0]))
    assert out.tolist() == [-2.0, 10.0 - 2.0, 3.0]


def test_a_war_at_the_nash_tariffs_costs_both_sides_and_free_trade_nothing():
    imports = tariffs.balanced_imports(np.array([[0.0, 48.5], [48.5, 0.0]]))
    assert payoffs.trade_loss(np.zeros((2, 2)), imports).tolist() == [0, 0]
    war = payoffs.trade_loss(tariffs.nash_tariffs(imports), imports)
    assert war[0] == pytest.approx(war[1]) and war[0] > 0
    assert payoffs.pair_trade_loss(0.63, 0.63, 24.25, 24.25) == pytest.approx(war[0])


def test_a_unilateral_tariff_below_the_optimum_pays_its_setter_and_costs_the_partner():
    imports = tariffs.balanced_imports(np.array([[0.0, 48.5], [48.5, 0.0]]))
    loss = payoffs.trade_loss(np.array([[0.0, 0.3], [0.0, 0.0]]), imports)
    assert loss[0] < 0 < loss[1]


def test_leverage_is_a_share_of_the_harm_exercised_and_nothing_unused():
    assert payoffs.leverage_gain(np.array([5.6, 0.7]), capture=0.2) == pytest.approx(0.2 * 6.3)
    assert payoffs.leverage_gain(np.zeros(2), capture=0.2) == 0.0


@pytest.mark.parametrize("delta", [0.0, 0.3, 0.81, 0.95, 0.995])
@pytest.mark.parametrize(("now", "slope", "floor"), [(0.91, 0.0033, 0.32), (0.5, 0.05, 0.32), (0.3, 0.01, 0.3),
                                                       (0.9, 0.0, 0.2)])
def test_dependency_path_equals_the_brute_force_discounted_mean(delta, now, slope, floor):
    k = np.arange(1, 20000)
    path = np.maximum(floor, now - slope * k)
    brute = (1 - delta) / delta * np.sum(delta ** k * path) if delta > 0 else max(floor, now - slope)
    assert payoffs.dependency_path(now, slope, floor, delta) == pytest.approx(brute, rel=1e-9, abs=1e-12)


def test_a_stationary_world_keeps_todays_dependency():
    assert payoffs.dependency_path(0.8, 0.0, 0.3, 0.9) == 0.8


def test_terms_total_weighs_each_term():
    terms = payoffs.Terms(pledges=np.array([1.0]), games=np.array([2.0]), trade=np.array([0.5]),
                          security=np.array([0.25]), investment=np.array([1.0]), leverage=np.array([4.0]))
    assert terms.total(np.array([[1, 1, 1, 1, 1]])).tolist() == [1 + 2 - 0.5 - 0.25 - 1 + 4]
    assert terms.total(np.array([[0, 0, 0, 0, 0]])).tolist() == [0]


def test_grim_threshold_and_gtft_forgiveness_match_the_textbook():
    assert payoffs.grim_threshold(5, 3, 1) == 0.5
    assert payoffs.gtft_forgiveness(5, 3, 1, 0) == pytest.approx(1 / 3)


@pytest.mark.parametrize(("delta", "pays"), [(0.49, True), (0.5, False), (0.9, False)])
def test_defection_pays_below_the_bagwell_staiger_bound(delta, pays):
    # gain T-R = 2, loss R-P = 2: defecting pays iff 2 > delta/(1-delta) * 2, i.e. delta < 0.5
    assert payoffs.defection_pays(gain=2, loss=2, patience=delta) is pays
