"""Bargaining: Rubinstein's split, finite rounds, zones of agreement, counters, failed renewals, packages."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation import bargaining as B

GRID = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99]
delta = st.floats(min_value=0.0, max_value=0.98, allow_nan=False)
money = st.floats(min_value=-50.0, max_value=50.0, allow_nan=False)


def stationary_equilibrium(d1, d2):
    """Rubinstein's stationary SPE from its two indifference conditions, solved as a linear system:
    x1 = 1 - d2 * x2 (1 offers 2 what 2 gets by waiting), x2 = 1 - d1 * x1."""
    return np.linalg.solve(np.array([[1.0, d2], [d1, 1.0]]), np.ones(2))[0]


@pytest.mark.parametrize("d1, d2", list(itertools.product(GRID, GRID)))
def test_the_first_movers_share_is_rubinsteins_to_1e9(d1, d2):
    assert abs(B.rubinstein_share(d1, d2) - stationary_equilibrium(d1, d2)) < 1e-9
    assert abs(B.rubinstein_share(d1, d2) - (1 - d2) / (1 - d1 * d2)) < 1e-15


@pytest.mark.parametrize("d1, d2", [(0.9, 0.9), (0.5, 0.95), (0.95, 0.6), (0.3, 0.3)])
def test_finite_rounds_converge_to_rubinstein(d1, d2):
    limit = B.rubinstein_share(d1, d2)
    gaps = [abs(B.finite_rounds_share(d1, d2, r) - limit) for r in (2, 10, 50, 400)]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] > 1e-3
    assert gaps[-1] < 1e-9


def test_finite_rounds_by_hand():
    assert B.finite_rounds_share(0.8, 0.6, 1) == 1.0  # ultimatum: the proposer takes all
    assert B.finite_rounds_share(0.8, 0.6, 2) == pytest.approx(1 - 0.6)
    assert B.finite_rounds_share(0.8, 0.6, 3) == pytest.approx(1 - 0.6 * (1 - 0.8))


def test_more_patience_wins_a_larger_share():
    assert B.rubinstein_share(0.95, 0.9) > B.rubinstein_share(0.9, 0.9) > B.rubinstein_share(0.9, 0.95)


@settings(max_examples=200, deadline=None)
@given(v0=money, v1=money, d0=money, d1=money, x=delta, y=delta, rounds=st.integers(1, 6))
def test_a_deal_is_struck_exactly_when_the_zone_of_agreement_is_not_empty(v0, v1, d0, d1, x, y, rounds):
    zone = B.zone_of_agreement((v0, v1), (d0, d1))
    split = B.split_surplus((v0, v1), (d0, d1), (x, y), rounds=rounds)
    views = [B.View(v0, d0, x, v1, d1, y), B.View(v1, d1, y, v0, d0, x)]
    outcome = B.negotiate(views, first=0, rounds=rounds)
    assert split.deal == (not zone.empty) == outcome.deal
    if outcome.deal:  # with common knowledge the first offer is the subgame-perfect one and is accepted
        assert outcome.agreed_round == 1 and outcome.counters == 0
        assert outcome.payoffs == pytest.approx(split.payoffs, rel=1e-9, abs=1e-9)
        assert all(p >= d - 1e-9 for p, d in zip(outcome.payoffs, (d0, d1), strict=True))
    else:
        assert outcome.payoffs == (d0, d1)


def test_the_split_gives_each_side_its_disagreement_plus_its_share_of_the_surplus():
    split = B.split_surplus(values=(10.0, 6.0), disagreement=(4.0, 2.0), deltas=(0.9, 0.8), first=1)
    share_1 = (1 - 0.9) / (1 - 0.9 * 0.8)
    assert split.surplus == pytest.approx(10.0)
    assert split.payoffs == pytest.approx((4.0 + (1 - share_1) * 10.0, 2.0 + share_1 * 10.0), rel=1e-12)


def test_respond_counters_below_continuation_and_rejects_when_no_round_is_left():
    assert B.respond(offer=5.0, continuation=5.0, disagreement=1.0, rounds_left=2) == "accept"
    assert B.respond(offer=4.0, continuation=5.0, disagreement=1.0, rounds_left=2) == "counter"
    assert B.respond(offer=0.5, continuation=1.0, disagreement=1.0, rounds_left=0) == "reject"
    assert B.should_counter(4.0, 5.0) and not B.should_counter(5.0, 5.0)


def test_a_side_that_underrates_the_others_outside_option_is_countered():
    # values of a renewal to the US (0) and China (1); China's soybean outside option has grown
    # to 3.0 but the US still believes 1.0; China reads the US correctly
    us = B.View(value=8.0, disagreement=2.0, delta=0.9, other_value=5.0, other_disagreement=1.0, other_delta=0.9)
    cn = B.View(value=5.0, disagreement=3.0, delta=0.9, other_value=8.0, other_disagreement=2.0, other_delta=0.9)
    outcome = B.negotiate([us, cn], first=0, rounds=3)
    first = outcome.offers[0]
    assert first.response == "counter" and first.to_responder < first.continuation
    assert outcome.agreed_round == 2 and outcome.counters == 1
    # China does at least as well as its true disagreement payoff; the US pays for its misreading
    common = B.split_surplus((8.0, 5.0), (2.0, 3.0), (0.9, 0.9), first=0, rounds=3)
    assert outcome.payoffs[1] >= 3.0 and outcome.payoffs[0] < common.payoffs[0]
    # the counter revealed China's outside option; had it not, the US's misreading ends the talks
    stubborn = B.negotiate([us, cn], first=0, rounds=3, reveal=False)
    assert not stubborn.deal and stubborn.counters == 2


def test_a_renewal_fails_when_an_outside_option_has_grown_past_the_surplus():
    us = B.View(value=8.0, disagreement=2.0, delta=0.9, other_value=5.0, other_disagreement=1.0, other_delta=0.9)
    cn = B.View(value=5.0, disagreement=11.5, delta=0.9, other_value=8.0, other_disagreement=2.0, other_delta=0.9)
    outcome = B.negotiate([us, cn], first=0, rounds=4)
    assert not outcome.deal and outcome.payoffs == (2.0, 11.5)
    assert outcome.offers[0].response == "reject", "China sees no zone of agreement and walks away"
    assert outcome.ended == "rejected"
    # once the US knows China's outside option it sees no zone either and makes no offer
    informed = B.View(8.0, 2.0, 0.9, 5.0, 11.5, 0.9)
    assert B.negotiate([informed, cn], first=0, rounds=4).ended == "no zone seen"


def test_with_one_round_a_misread_ends_the_talks():
    us = B.View(value=8.0, disagreement=2.0, delta=0.9, other_value=5.0, other_disagreement=1.0, other_delta=0.9)
    cn = B.View(value=5.0, disagreement=3.0, delta=0.9, other_value=8.0, other_disagreement=2.0, other_delta=0.9)
    assert not B.negotiate([us, cn], first=0, rounds=1).deal
    assert B.negotiate([us, cn], first=0, rounds=2).deal


# --- packages ------------------------------------------------------------------------------

SOY = B.Concession("C5 soybeans (Mt)", giver=1, value=0.5, cost=0.1, max_units=25.0)
TARIFF = B.Concession("U1 tariff points", giver=0, value=0.6, cost=0.2, max_units=10.0)
CASH = B.Concession("side payment (USD bn)", giver=0, value=1.0, cost=1.0, max_units=100.0)


def test_a_package_with_a_par_transfer_gives_the_proposer_exactly_its_share():
    share = B.rubinstein_share(0.9, 0.8)
    package = B.propose_package([SOY, TARIFF, CASH], disagreement=(1.0, 2.0), share=share, proposer=0)
    surplus = 0.4 * 25 + 0.4 * 10 - 3.0
    assert package.feasible and package.surplus == pytest.approx(surplus)
    assert package.receiver_gain == pytest.approx(2.0 + (1 - share) * surplus, rel=1e-9)
    assert package.proposer_gain == pytest.approx(1.0 + share * surplus, rel=1e-9)
    assert package.units["C5 soybeans (Mt)"] == pytest.approx(25.0) and package.units["U1 tariff points"] == 10.0


def test_soybeans_for_tariff_points_meets_the_receivers_target_at_least_cost_to_the_proposer():
    # the US asks China for soybeans and pays in tariff points: China's target of 4.5 is met
    # first by the cheap instrument (tariff points, 0.2 to the US per 0.6 to China), then by
    # asking fewer soybeans (each Mt less costs the US 0.5 for 0.1 to China)
    package = B.package_for_target([SOY, TARIFF], receiver_target=4.5, proposer=0)
    assert package.feasible and package.receiver_gain == pytest.approx(4.5, rel=1e-9)
    assert package.units["U1 tariff points"] == pytest.approx(10.0, rel=1e-9)
    assert package.units["C5 soybeans (Mt)"] == pytest.approx(15.0, rel=1e-9)
    assert package.proposer_gain == pytest.approx(0.5 * 15 - 0.2 * 10, rel=1e-9)
    # a smaller target needs no cut in soybeans and fewer tariff points
    small = B.package_for_target([SOY, TARIFF], receiver_target=3.0, proposer=0)
    assert small.units["C5 soybeans (Mt)"] == pytest.approx(25.0) and small.units["U1 tariff points"] < 10.0


def test_no_package_when_the_zone_is_empty_or_the_target_is_out_of_reach():
    assert not B.propose_package([SOY, TARIFF], disagreement=(10.0, 5.0), share=0.5).feasible
    assert not B.package_for_target([SOY, TARIFF], receiver_target=6.5, proposer=0).feasible  # at most 6


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5])
def test_rubinstein_refuses_discount_factors_outside_0_1(bad):
    with pytest.raises(ValueError, match="delta"):
        B.rubinstein_share(bad, 0.5)
